#!/usr/bin/env python3
"""torch-ddp-train: a real, deterministic PyTorch DDP training loop for the Colossus workload contract.

A small MLP (32 → 64 → 64 → 8, tanh) learns a fixed random "teacher" map on synthetic data,
with torch.distributed + DistributedDataParallel: gloo on CPU, nccl when CUDA is present.
The global batch of step n is drawn from a generator seeded by (seed, n) and split evenly
across ranks, so every step sees the same data whether the run was interrupted or not, and
a resumed run ends with the same weights, bit for bit, as an uninterrupted one with the same
world size (float summation order depends on the world size, so runs with different world
sizes agree closely but not bit for bit).

Contract (docs/agent.md): env MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK (as set by
`colossus agent` or by torchrun), COLOSSUS_JOB_ID, COLOSSUS_ATTEMPT, COLOSSUS_CHECKPOINT_DIR,
COLOSSUS_CHECKPOINT_INTERVAL_S. Without MASTER_ADDR it runs as one process (world size 1, no
process group). Rank 0 prints JSON lines {"step": n, "loss": x, "checkpoint": n?, "checkpointS": s?}
and finally {"done": true, "step": N, "weightsSha256": "…"} (every rank prints the final line,
and the hash is the same on every rank). SIGTERM and SIGUSR1: all ranks stop after the same
step, rank 0 checkpoints it, and they exit 128 + signal number (143, 138). Bad arguments or
environment exit 93 (do not restart).

Runs under PyTorch 1.13 (Debian's python3-torch, /usr/bin/python3) and 2.x; uses only APIs
present in both.

Usage: python3 torch-ddp-train.py [--steps N=200] [--checkpoint-every K|auto=20] [--step-ms MS=0]
       [--seed S=1234] [--fail-at-step N [--fail-code C=1] [--fail-on-attempt A]]
"""
import hashlib
import io
import json
import os
import re
import signal
import struct
import sys
import time
from datetime import timedelta

NAME = "torch-ddp-train"
EXIT_NO_RESTART = 93
FORMAT = "torch-ddp-train/1"
D_IN, D_HIDDEN, D_OUT = 32, 64, 8
GLOBAL_BATCH = 64  # split evenly across ranks: WORLD_SIZE must divide it
LR = 0.05
MOMENTUM = 0.9
KEEP_CHECKPOINTS = 3
DEFAULT_EVERY = 20
CKPT_RE = re.compile(r"^ckpt-(\d{9})\.pt$")
SIGNAL_NUMBERS = {"SIGTERM": 15, "SIGUSR1": 10}


def fail(message, code=EXIT_NO_RESTART):
    sys.stderr.write(f"{NAME}: {message}\n")
    leave(code)


def whole(text, what, minimum):
    if not re.fullmatch(r"\d+", text or "") or int(text) < minimum:
        fail(f"{what} must be a whole number >= {minimum}, got '{text}'")
    return int(text)


USAGE = ("usage: torch-ddp-train.py [--steps N] [--checkpoint-every K|auto] [--step-ms MS] [--seed S] "
         "[--fail-at-step N [--fail-code C] [--fail-on-attempt A]]")


def read_options(argv):
    """--flag value or --flag=value; unknown or malformed flags exit 93 with a message."""
    known = {"steps": ("200", 1), "checkpoint-every": (str(DEFAULT_EVERY), 1), "step-ms": ("0", 0),
             "seed": ("1234", 0), "fail-at-step": ("0", 0), "fail-code": ("1", 1), "fail-on-attempt": ("0", 0)}
    given = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            print(USAGE)
            sys.exit(0)
        m = re.fullmatch(r"--([a-z-]+)(?:=(.*))?", arg)
        if not m or m.group(1) not in known:
            fail(f"unknown argument '{arg}' ({USAGE})")
        if m.group(2) is not None:
            value = m.group(2)
        elif i + 1 < len(argv):
            i += 1
            value = argv[i]
        else:
            fail(f"--{m.group(1)} needs a value ({USAGE})")
        given[m.group(1)] = value
        i += 1
    opt = {}
    for key, (default, minimum) in known.items():
        text = given.get(key, default)
        if key == "checkpoint-every" and text == "auto":
            opt[key] = "auto"
            continue
        opt[key] = whole(text, f"--{key}", minimum)
    return opt


def env_int(name, default, minimum):
    text = os.environ.get(name, "")
    if text == "":
        return default
    return whole(text, f"environment {name}", minimum)


def read_env():
    distributed = bool(os.environ.get("MASTER_ADDR"))
    env = {
        "distributed": distributed,
        "rank": env_int("RANK", 0, 0),
        "world_size": env_int("WORLD_SIZE", 1, 1),
        "local_rank": env_int("LOCAL_RANK", 0, 0),
        "job_id": os.environ.get("COLOSSUS_JOB_ID", "local"),
        "attempt": env_int("COLOSSUS_ATTEMPT", 1, 0),
        "checkpoint_dir": os.environ.get("COLOSSUS_CHECKPOINT_DIR") or None,
        "interval_s": None,
    }
    if env["rank"] >= env["world_size"]:
        fail(f"RANK={env['rank']} must be below WORLD_SIZE={env['world_size']}")
    if env["world_size"] > 1 and not distributed:
        fail(f"WORLD_SIZE={env['world_size']} needs MASTER_ADDR and MASTER_PORT (the rendezvous of rank 0)")
    if distributed and not os.environ.get("MASTER_PORT"):
        fail("MASTER_ADDR is set but MASTER_PORT is not")
    if GLOBAL_BATCH % env["world_size"] != 0:
        fail(f"WORLD_SIZE={env['world_size']} must divide the global batch of {GLOBAL_BATCH}")
    text = os.environ.get("COLOSSUS_CHECKPOINT_INTERVAL_S", "")
    if text:
        try:
            env["interval_s"] = float(text)
        except ValueError:
            env["interval_s"] = -1.0
        if not env["interval_s"] > 0:
            fail(f"environment COLOSSUS_CHECKPOINT_INTERVAL_S must be a positive number of seconds, got '{text}'")
    return env


# torch is imported after the arguments are checked, so a bad flag fails fast (and exits 93
# even where torch is missing).
def build(torch, seed, device):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(D_IN, D_HIDDEN), torch.nn.Tanh(),
        torch.nn.Linear(D_HIDDEN, D_HIDDEN), torch.nn.Tanh(),
        torch.nn.Linear(D_HIDDEN, D_OUT),
    ).to(device)
    g = torch.Generator().manual_seed(seed ^ 0x5EED)
    teacher = (torch.randn(D_IN, D_OUT, generator=g) / D_IN ** 0.5).to(device)
    return model, teacher


def batch(torch, seed, step, rank, world_size, teacher, device):
    """The global batch of `step` (the same for any interruption), then this rank's slice."""
    g = torch.Generator().manual_seed(seed * 1_000_003 + step)
    x = torch.randn(GLOBAL_BATCH, D_IN, generator=g)
    per = GLOBAL_BATCH // world_size
    x = x[rank * per:(rank + 1) * per].to(device)
    return x, torch.sin(x @ teacher)


def weights_sha256(torch, state_dict):
    """SHA-256 of the float32 little-endian bytes of every tensor, in key order (no numpy)."""
    h = hashlib.sha256()
    for key in sorted(state_dict):
        t = state_dict[key].detach().to("cpu", torch.float32).contiguous().view(-1)
        h.update(key.encode())
        h.update(struct.pack(f"<{t.numel()}f", *t.tolist()))
    return h.hexdigest()


def ckpt_name(step):
    return f"ckpt-{step:09d}.pt"


def save_checkpoint(torch, directory, step, attempt, fingerprint, model, optimizer):
    """Atomic: temp file, fsync, rename, fsync the directory; keeps the newest few. Returns seconds."""
    started = time.monotonic()
    os.makedirs(directory, exist_ok=True)
    state = {k: v.detach().to("cpu") for k, v in model.state_dict().items()}
    buf = io.BytesIO()
    torch.save({"format": FORMAT, "fingerprint": fingerprint, "step": step, "attempt": attempt,
                "weightsSha256": weights_sha256(torch, state), "model": state,
                "optimizer": optimizer.state_dict()}, buf)
    final = os.path.join(directory, ckpt_name(step))
    tmp = os.path.join(directory, f".{ckpt_name(step)}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, final)
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
    names = sorted(n for n in os.listdir(directory) if CKPT_RE.match(n))
    for old in names[:-KEEP_CHECKPOINTS]:
        try:
            os.remove(os.path.join(directory, old))
        except FileNotFoundError:
            pass
    return time.monotonic() - started


def load_latest(torch, directory, fingerprint):
    """The newest checkpoint that loads, matches this model and passes its hash; else None."""
    try:
        names = sorted((n for n in os.listdir(directory) if CKPT_RE.match(n)), reverse=True)
    except OSError:
        return None
    for name in names:
        try:
            doc = torch.load(os.path.join(directory, name), map_location="cpu", weights_only=False)  # our own files
            if doc.get("format") != FORMAT or doc.get("fingerprint") != fingerprint:
                raise ValueError("written by a different model or seed")
            if weights_sha256(torch, doc["model"]) != doc.get("weightsSha256"):
                raise ValueError("hash mismatch")
            return doc
        except Exception as e:  # a torn, foreign or unreadable file: try the one before
            sys.stderr.write(f"{NAME}: skipping checkpoint {name}: {e}\n")
    return None


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Stop:
    signal_name = None

    @classmethod
    def install(cls):
        def handler(signum, _frame):
            if cls.signal_name is None:
                cls.signal_name = signal.Signals(signum).name
        for name in SIGNAL_NUMBERS:
            signal.signal(getattr(signal, name), handler)


def setup(torch, env):
    """Process group (gloo on CPU, nccl with CUDA) and device; none without MASTER_ADDR."""
    cuda = torch.cuda.is_available()
    if cuda:
        device = torch.device("cuda", env["local_rank"] % torch.cuda.device_count())
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
        torch.set_num_threads(1)  # one summation order: bitwise-reproducible on CPU
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    if env["distributed"]:
        import torch.distributed as dist
        dist.init_process_group(backend="nccl" if cuda else "gloo", init_method="env://",
                                rank=env["rank"], world_size=env["world_size"], timeout=timedelta(minutes=5))
    return device


def all_max(torch, value, device, distributed):
    if not distributed:
        return value
    import torch.distributed as dist
    t = torch.tensor([value], dtype=torch.int64, device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return int(t.item())


def ordered_sum_hook(torch, world_size):
    """A DDP communication hook that averages a gradient bucket by summing the ranks' buffers
    in rank order. DDP's default all-reduce (a ring) adds an element's contributions in an
    order that depends on its offset in the bucket, and DDP re-lays its buckets out after the
    first step of every process, so with more than 2 ranks a resumed run would drift from an
    uninterrupted one in the last bits. The rank-order sum is the same whatever the layout."""
    import torch.distributed as dist

    def hook(_state, bucket):
        buf = bucket.buffer()
        parts = [torch.empty_like(buf) for _ in range(world_size)]
        dist.all_gather(parts, buf)
        total = parts[0].clone()
        for part in parts[1:]:
            total += part
        fut = torch.futures.Future()
        fut.set_result(total.div_(world_size))
        return fut
    return hook


def pause(step_ms, started):
    """Waits out --step-ms in small slices so a stop signal is seen promptly."""
    deadline = started + step_ms / 1000.0
    while Stop.signal_name is None:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.02))


def main():
    opt = read_options(sys.argv[1:])
    env = read_env()
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS (before CUDA init)
    Stop.install()
    import torch
    device = setup(torch, env)
    rank, world = env["rank"], env["world_size"]
    every = opt["checkpoint-every"]
    interval_s = None
    if every == "auto":
        if env["interval_s"] is None:
            if rank == 0:
                sys.stderr.write(f"{NAME}: --checkpoint-every auto without COLOSSUS_CHECKPOINT_INTERVAL_S; every {DEFAULT_EVERY} steps\n")
            every = DEFAULT_EVERY
        else:
            interval_s, every = env["interval_s"], None
    seed = opt["seed"]
    fingerprint = f"{FORMAT}:{D_IN}-{D_HIDDEN}-{D_HIDDEN}-{D_OUT}:b{GLOBAL_BATCH}:lr{LR}:m{MOMENTUM}:seed{seed}"
    model, teacher = build(torch, seed, device)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    step = 0
    if env["checkpoint_dir"]:
        doc = load_latest(torch, env["checkpoint_dir"], fingerprint)
        if doc is not None:
            model.load_state_dict(doc["model"])
            optimizer.load_state_dict(doc["optimizer"])
            step = doc["step"]
    elif rank == 0:
        sys.stderr.write(f"{NAME}: COLOSSUS_CHECKPOINT_DIR is not set; no checkpoints will be written\n")
    net = model
    if env["distributed"]:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
        net.register_comm_hook(None, ordered_sum_hook(torch, world))
    emit({"start": True, "rank": rank, "worldSize": world, "jobId": env["job_id"], "attempt": env["attempt"],
          "resumedFromStep": step, "torch": torch.__version__, "device": str(device),
          "backend": ("nccl" if device.type == "cuda" else "gloo") if env["distributed"] else None})

    writer = rank == 0 and env["checkpoint_dir"] is not None
    last_saved, last_saved_at = step, time.monotonic()

    def checkpoint(line):
        nonlocal last_saved, last_saved_at
        seconds = save_checkpoint(torch, env["checkpoint_dir"], step, env["attempt"], fingerprint, model, optimizer)
        last_saved, last_saved_at = step, time.monotonic()
        line["checkpoint"], line["checkpointS"] = step, round(seconds, 6)

    def stop_now(signame):
        line = {"step": step, "stopped": signame}
        if writer and last_saved != step:
            checkpoint(line)
        elif writer:
            line["checkpoint"] = step
        emit(line)
        leave(128 + SIGNAL_NUMBERS[signame])

    while step < opt["steps"]:
        started = time.monotonic()
        fail_here = opt["fail-at-step"] == step + 1 and opt["fail-on-attempt"] in (0, env["attempt"])
        if fail_here and rank == 0:
            fail(f"failing at step {step + 1} as asked (--fail-at-step)", opt["fail-code"])
        x, y = batch(torch, seed, step + 1, rank, world, teacher, device)
        try:
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(net(x), y)
            loss.backward()
            optimizer.step()
        except RuntimeError:
            if Stop.signal_name is not None:  # a peer stopped first; our weights are still step's
                stop_now(Stop.signal_name)
            raise
        step += 1
        line = {"step": step, "loss": round(float(loss.item()), 6)}
        due = (every is not None and step % every == 0) or (interval_s is not None and time.monotonic() - last_saved_at >= interval_s)
        if writer and due:
            checkpoint(line)
        if rank == 0:
            emit(line)
        pause(opt["step-ms"], started)
        # Stop together: every rank learns of a signal any rank got, so all stop after this step.
        try:
            stop = all_max(torch, SIGNAL_NUMBERS.get(Stop.signal_name, 0), device, env["distributed"])
        except RuntimeError:
            if Stop.signal_name is not None:
                stop_now(Stop.signal_name)
            raise
        if stop:
            stop_now(Stop.signal_name or next(k for k, v in SIGNAL_NUMBERS.items() if v == stop))
    if writer and last_saved != step:
        line = {"step": step}
        checkpoint(line)
        emit(line)
    emit({"done": True, "step": step, "rank": rank, "weightsSha256": weights_sha256(torch, model.state_dict())})
    if env["distributed"]:
        import torch.distributed as dist
        dist.barrier()
        dist.destroy_process_group()
    leave(0)


def leave(code):
    """Exits without interpreter teardown: torch 1.13's gloo/TCPStore threads can hang it under
    load (seen on a loaded 2-core machine); everything that matters is flushed or fsynced."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
