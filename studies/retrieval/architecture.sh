#!/bin/bash
# Decoder-only vs encoder-decoder on the Scientific example at equal epochs (README.md here,
# "Decoder-only vs encoder-decoder"): residual k-means IDs once, then `semid eval` of a copy
# of that run per architecture, no baselines, epochs = patience = EPOCHS; an interrupted
# evaluation is resumed when run again. ARCHS="decoder" (say) runs only that one.
#   bash studies/retrieval/architecture.sh EPOCHS SEED
set -u
cd "$(dirname "$0")/../.."
E=$1; SEED=$2
ROOT=studies/retrieval/runs/architecture
mkdir -p $ROOT
CLI="npx tsx src/engine/cli/main.ts"
log() { echo "[$(date -u +%H:%M:%S)] $* | load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $ROOT/measure.log; }
if [ ! -f $ROOT/ids.path ]; then
  log "train IDs"
  nice -n 10 $CLI train studies/retrieval/scientific.rqvae.yaml --set eval.enabled=false --out $ROOT/ids > $ROOT/ids.out 2> $ROOT/ids.err
  tail -1 $ROOT/ids.out > $ROOT/ids.path
  log "IDs at $(cat $ROOT/ids.path)"
fi
IDS=$(cat $ROOT/ids.path)
for ARCH in ${ARCHS:-encoder-decoder decoder}; do
  RUN=$ROOT/$ARCH-s$SEED
  if [ -f $RUN/eval.json ]; then log "$RUN done already"; continue; fi
  [ -d $RUN ] || cp -r $IDS $RUN
  log "eval $ARCH seed $SEED epochs $E start"
  RES=""; [ -d $RUN/eval_checkpoint ] && RES="--resume"
  /usr/bin/time -f "%e s wall %U s user %S s sys" -o $RUN/time.txt nice -n 10 $CLI eval $RUN $RES \
    --set eval.baselines=[] --set eval.retrieval.architecture=$ARCH --set eval.retrieval.epochs=$E --set eval.retrieval.patience=$E \
    --set eval.retrieval.minutes=120 --set eval.retrieval.seed=$SEED > $RUN/eval.out 2> $RUN/eval.err
  log "eval $ARCH seed $SEED exit $? ($(cat $RUN/time.txt))"
done
