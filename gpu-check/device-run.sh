#!/usr/bin/env bash
# One short run on a lent GPU machine (no Node there): the single-GPU performance check and the
# PyTorch DDP example workload on CUDA with NCCL. Everything it prints is also written under $OUT.
#   bash gpu-check/device-run.sh            (OUT defaults to ./gpu-check/out)
set -uo pipefail
OUT=${OUT:-gpu-check/out}; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
{
  date -u; nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
} 2>&1 | tee "$OUT/device.txt"

# 1) The torch DDP workload, one node, one rank, NCCL, under torchrun (as an agent's per-node mode starts it).
ck=$(mktemp -d)
echo "== torchrun nproc 1, nccl: 200 steps, checkpoint every 50" | tee "$OUT/torch-ddp.txt"
COLOSSUS_CHECKPOINT_DIR=$ck COLOSSUS_ATTEMPT=1 timeout 120 python3 -m torch.distributed.run --standalone --nnodes 1 --nproc_per_node 1 \
  examples/workloads/torch-ddp-train.py --steps 200 --checkpoint-every 50 --step-ms 0 2>&1 | tee -a "$OUT/torch-ddp.txt"
echo "== resume: attempt 2 continues from the last checkpoint to 300 steps" | tee -a "$OUT/torch-ddp.txt"
COLOSSUS_CHECKPOINT_DIR=$ck COLOSSUS_ATTEMPT=2 timeout 120 python3 -m torch.distributed.run --standalone --nnodes 1 --nproc_per_node 1 \
  examples/workloads/torch-ddp-train.py --steps 300 --checkpoint-every 50 --step-ms 0 2>&1 | tail -n 5 | tee -a "$OUT/torch-ddp.txt"
echo "== uninterrupted 300 steps (the hash above must equal this one)" | tee -a "$OUT/torch-ddp.txt"
ck2=$(mktemp -d)
COLOSSUS_CHECKPOINT_DIR=$ck2 COLOSSUS_ATTEMPT=1 timeout 120 python3 -m torch.distributed.run --standalone --nnodes 1 --nproc_per_node 1 \
  examples/workloads/torch-ddp-train.py --steps 300 --checkpoint-every 50 --step-ms 0 2>&1 | tail -n 3 | tee -a "$OUT/torch-ddp.txt"

echo "== one rank per GPU as the agent starts it (env set directly, no torchrun)" | tee -a "$OUT/torch-ddp.txt"
ck3=$(mktemp -d)
MASTER_ADDR=127.0.0.1 MASTER_PORT=29531 RANK=0 LOCAL_RANK=0 WORLD_SIZE=1 COLOSSUS_CHECKPOINT_DIR=$ck3 COLOSSUS_ATTEMPT=1 \
  timeout 120 python3 examples/workloads/torch-ddp-train.py --steps 300 --checkpoint-every 50 --step-ms 0 2>&1 | tail -n 3 | tee -a "$OUT/torch-ddp.txt"

# 2) The single-GPU check of the performance model (1.07B Llama, 12 shapes).
timeout 420 python3 gpu-check/train_llama_1b.py --out "$OUT/measured.json" --steps 6 --warmup 2 2>&1 | tee "$OUT/llama-1b.txt"
