#!/usr/bin/env python3
"""
GPU check for the Colossus performance model (issue 3, item 7).

Trains a ~1.1B-parameter Llama-style decoder (gpu-check/llama-1b.yaml: 20 layers, hidden 2048,
16 heads / 8 KV heads, SwiGLU 5632, vocab 32000, RMSNorm, RoPE) in BF16 on ONE GPU for a few
steps, for several micro-batch sizes and sequence lengths, with and without full activation
recompute, and records the step time and peak memory of each configuration as JSON.

Mixed precision as Megatron does it: BF16 weights used by the forward/backward, FP32 master
weights and Adam moments in the optimizer, FP32 gradient accumulation. Attention is PyTorch's
scaled_dot_product_attention (flash kernel on H100/H200). Synthetic tokens; no data loading.

    python gpu-check/train_llama_1b.py --out $OUT/measured.json [--steps 8] [--warmup 3]

Then compare with the model:  node gpu-check/compare.mjs measured.json
"""
import argparse, json, math, time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

CFG = dict(layers=20, hidden=2048, heads=16, kv_heads=8, head_dim=128, ffn=5632, vocab=32000)


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.w = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.w * (x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps).to(x.dtype))


def rope(x, cos, sin):
    x1, x2 = x[..., ::2], x[..., 1::2]
    return torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, hd = c["hidden"], c["head_dim"]
        self.nh, self.nkv, self.hd = c["heads"], c["kv_heads"], hd
        self.n1, self.n2 = RMSNorm(h), RMSNorm(h)
        self.qkv = nn.Linear(h, (self.nh + 2 * self.nkv) * hd, bias=False)
        self.o = nn.Linear(self.nh * hd, h, bias=False)
        self.up = nn.Linear(h, 2 * c["ffn"], bias=False)
        self.down = nn.Linear(c["ffn"], h, bias=False)

    def forward(self, x, cos, sin):
        b, s, _ = x.shape
        q, k, v = self.qkv(self.n1(x)).split([self.nh * self.hd, self.nkv * self.hd, self.nkv * self.hd], -1)
        q = rope(q.view(b, s, self.nh, self.hd), cos, sin).transpose(1, 2)
        k = rope(k.view(b, s, self.nkv, self.hd), cos, sin).transpose(1, 2)
        v = v.view(b, s, self.nkv, self.hd).transpose(1, 2)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        x = x + self.o(a.transpose(1, 2).reshape(b, s, -1))
        g, u = self.up(self.n2(x)).chunk(2, -1)
        return x + self.down(F.silu(g) * u)


class Llama(nn.Module):
    def __init__(self, c, recompute):
        super().__init__()
        self.emb = nn.Embedding(c["vocab"], c["hidden"])
        self.blocks = nn.ModuleList(Block(c) for _ in range(c["layers"]))
        self.norm = RMSNorm(c["hidden"])
        self.out = nn.Linear(c["hidden"], c["vocab"], bias=False)
        self.recompute = recompute
        self.hd = c["head_dim"]

    def forward(self, tok):
        s = tok.shape[1]
        inv = 1.0 / (500000 ** (torch.arange(0, self.hd, 2, device=tok.device).float() / self.hd))
        ang = torch.outer(torch.arange(s, device=tok.device).float(), inv)
        cos, sin = ang.cos()[None, :, None, :].bfloat16(), ang.sin()[None, :, None, :].bfloat16()
        x = self.emb(tok)
        for blk in self.blocks:
            x = checkpoint(blk, x, cos, sin, use_reentrant=False) if self.recompute else blk(x, cos, sin)
        return self.out(self.norm(x))


def run(mbs, seq, recompute, steps, warmup):
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    with torch.device("cuda"):  # build on the GPU: initialising 1B parameters on the CPU takes seconds
        model = Llama(CFG, recompute)
    master = [p.detach().clone().float() for p in model.parameters()]  # FP32 master weights
    model.bfloat16()
    for p, m in zip(model.parameters(), master):
        p.main_grad = torch.zeros_like(m)  # FP32 gradient accumulation buffer
    opt = torch.optim.AdamW(master, lr=1e-4, fused=True)
    params = sum(p.numel() for p in model.parameters())
    tok = torch.randint(0, CFG["vocab"], (mbs, seq + 1), device="cuda")
    times = []
    for i in range(warmup + steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        logits = model(tok[:, :-1])
        loss = F.cross_entropy(logits.float().view(-1, CFG["vocab"]), tok[:, 1:].reshape(-1))
        loss.backward()
        for p, m in zip(model.parameters(), master):
            p.main_grad.add_(p.grad.float())
            m.grad = p.main_grad
            p.grad = None
        opt.step()
        for p, m in zip(model.parameters(), master):
            p.data.copy_(m.data)
            p.main_grad.zero_()
        torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    peak = torch.cuda.max_memory_allocated()
    reserved = torch.cuda.max_memory_reserved()
    del model, opt, master
    return dict(mbs=mbs, seq=seq, recompute="full" if recompute else "none", params=params,
                stepTimeS=sorted(times)[len(times) // 2], stepTimesS=times,
                peakAllocatedBytes=peak, peakReservedBytes=reserved,
                tokensPerS=mbs * seq / sorted(times)[len(times) // 2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    dev = torch.cuda.get_device_name(0)
    results = []
    for seq in (2048, 4096):
        for mbs in (1, 2, 4):
            for rc in (False, True):
                try:
                    r = run(mbs, seq, rc, args.steps, args.warmup)
                except torch.cuda.OutOfMemoryError:
                    r = dict(mbs=mbs, seq=seq, recompute="full" if rc else "none", oom=True)
                    torch.cuda.empty_cache()
                print(json.dumps({k: v for k, v in r.items() if k != "stepTimesS"}), flush=True)
                results.append(r)
    doc = dict(device=dev, torch=torch.__version__, cuda=torch.version.cuda,
               hbmBytes=torch.cuda.get_device_properties(0).total_memory, model=CFG, results=results)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=2)


if __name__ == "__main__":
    main()
