#!/usr/bin/env bash
# Side by side: the same engine with the prefix cache on (A) and off (B), each a real 'myelin serve' on loopback,
# replaying the same interleaved multi-session agent trace A B A B ... Prints each run's table; compare
# "TTFT p50 from turn 2 on" pairwise. Usage: bench/scripts/agent-replay.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
out=$(mktemp -d)
trap 'pkill -f "serve --data $out" || true; rm -rf "$out"' EXIT
dotnet build src/Myelin.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
cli="dotnet artifacts/bin/Myelin.Cli/release/myelin.dll"
$cli model synth --out "$out/model.gguf" --arch qwen2 --dim 512 --layers 8 --heads 8 --kv-heads 4 --ffn 1408 \
  --vocab 4096 --context 8192 --type q8_0 --tied --seed 3 >/dev/null
export MYELIN_ADMIN_KEY=bench-key-0123456789abcdef
$cli serve --data "$out/on" --urls http://127.0.0.1:5111 --model "$out/model.gguf" --prefix-cache-tokens 16384 >/dev/null 2>&1 &
$cli serve --data "$out/off" --urls http://127.0.0.1:5112 --model "$out/model.gguf" --prefix-cache-tokens 0 >/dev/null 2>&1 &
for port in 5111 5112; do
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
done
for round in $(seq 1 "$rounds"); do
  for port in 5111 5112; do
    label=$([ "$port" = 5111 ] && echo "cache on" || echo "cache off")
    echo "== round $round, $label"
    NO_COLOR=1 $cli bench replay --url "http://127.0.0.1:$port/v1" --model myelin-synthetic --key "$MYELIN_ADMIN_KEY" \
      --sessions 3 --turns 4 --seed "$round" --tokenizer "$out/model.gguf" | grep -E "TTFT|ITL|reused|ideal|tokens/s"
  done
done
