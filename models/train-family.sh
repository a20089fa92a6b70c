#!/usr/bin/env bash
# Reproduces the bundled model family in models/ from ../shared/corpus, step by step. Every step resumes from
# its checkpoint when interrupted and is skipped when its output exists, so running the script again continues
# where it stopped. Usage: models/train-family.sh [RUNS_DIR]   (default: target/family)
#   SPECULA=... overrides the command that runs `specula` (default: ./specula, the launcher).
#   LANGUAGES=... the specialised drafters' languages (default: en de fr es ru ja zh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-target/family}
specula=${SPECULA:-./specula}
languages=${LANGUAGES:-en de fr es ru ja zh}
mkdir -p "$runs" models

# The target's generated sequences are seeded and the same for both methods: the TVD++ run reuses the KL run's.
share_generated() {
  mkdir -p "$2"
  [ "$1" = "$2" ] || cp -n "$1"/generated-*.tokens "$2"/ 2>/dev/null || true
}

# 1. Byte-level BPE, 4096 tokens, on the training documents of all 19 languages.
[ -f "$runs/tokenizer.gguf" ] || $specula train tokenizer --vocab 4096 --out "$runs/tokenizer.gguf"

# 2. The target: 14.2M parameters, 8 layers of width 384 (6 query heads on 2 KV heads), context 512;
#    1600 steps of 8 × 512 tokens (6.6M tokens, about 1.5 epochs). Shipped as Q8_0.
if [ ! -f models/specula-target.gguf ]; then
  $specula train pretrain --tokenizer "$runs/tokenizer.gguf" --run-dir "$runs/target" --out "$runs/target/target-f32.gguf" \
    --dim 384 --hidden-dim 1024 --layers 8 --heads 6 --kv-heads 2 --context 512 \
    --steps 1600 --batch 8 --micro-batch 2 --seq-len 512 --lr 6e-4 --min-lr 6e-5 --warmup 80 \
    --checkpoint-every 50 --eval-every 200
  [ -f "$runs/target/target-f32.gguf" ] || exit 0   # stopped early: run the script again to resume
  $specula train export --checkpoint "$runs/target/checkpoint.gguf" --out models/specula-target.gguf --type Q8_0
fi

# 3. General drafters: 1.7M parameters, 6 layers of width 128, distilled from the shipped target on all
#    languages' text plus 32 target-generated sequences per language. Forward KL from scratch, 1200 steps;
#    then TVD++ as fine-tuning of the KL drafter (Goel et al. fine-tune a pretrained drafter; from a random
#    start TVD++ learns little), 150 steps on the same data. Drafters ship as Q4_0: their acceptance equals
#    Q8_0's within noise, and the family stays under 40 MB.
drafter_shape="--dim 128 --hidden-dim 384 --layers 6 --heads 4 --kv-heads 2 --context 512"
drafter_training="--batch 8 --micro-batch 4 --seq-len 512 --checkpoint-every 50"
[ -f models/specula-drafter-general-kl.gguf ] || $specula train distill --teacher models/specula-target.gguf \
  --method kl $drafter_shape --run-dir "$runs/general-kl" --out models/specula-drafter-general-kl.gguf --type Q4_0 \
  --generated 32 --steps 1200 $drafter_training --lr 2e-3 --min-lr 2e-4 --warmup 30 --eval-every 200
share_generated "$runs/general-kl" "$runs/general-tvd"
[ -f models/specula-drafter-general-tvd.gguf ] || $specula train distill --teacher models/specula-target.gguf \
  --method tvd --init models/specula-drafter-general-kl.gguf --run-dir "$runs/general-tvd" \
  --out models/specula-drafter-general-tvd.gguf --type Q4_0 --generated 32 --steps 150 $drafter_training \
  --lr 5e-4 --min-lr 5e-5 --warmup 10 --eval-every 50

# 4. Specialised drafters: each general drafter fine-tuned on one language's text and 64 target-generated
#    sequences of it, with the same method.
for lang in $languages; do
  for method in kl tvd; do
    out=models/specula-drafter-$lang-$method.gguf
    share_generated "$runs/$lang-kl" "$runs/$lang-$method"
    [ -f "$out" ] || $specula train distill --teacher models/specula-target.gguf --method $method \
      --init models/specula-drafter-general-$method.gguf --languages "$lang" \
      --run-dir "$runs/$lang-$method" --out "$out" --type Q4_0 --generated 64 \
      --steps 50 $drafter_training --lr 5e-4 --min-lr 5e-5 --warmup 5 --eval-every 50
  done
done
