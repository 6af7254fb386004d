#!/usr/bin/env bash
# Side by side: the same engine with the prefix cache on (A) and off (B), each a real 'myelin serve' on loopback,
# replaying the same interleaved multi-session agent trace A B A B ... Prints each run's table; compare
# "TTFT p50 from turn 2 on" pairwise. Every round starts fresh servers, so no round inherits another's cache.
# With a llama-server binary as the second argument (llama.cpp, built separately), the same model file is also served
# by it and replayed in every round after Myelin's two servers (A B C A B C ...).
# Usage: bench/scripts/agent-replay.sh [rounds] [path/to/llama-server]
# MYELIN_ARTIFACTS=/some/dir builds into that artifacts folder instead of ./artifacts.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
llama_server=${2:-}
threads=$(nproc)
out=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
artifacts=${MYELIN_ARTIFACTS:-$PWD/artifacts}
dotnet build src/Myelin.Cli -c Release -nologo -clp:ErrorsOnly -p:ArtifactsPath="$artifacts" >/dev/null
cli="dotnet $artifacts/bin/Myelin.Cli/release/myelin.dll"
$cli model synth --out "$out/model.gguf" --arch qwen2 --dim 512 --layers 8 --heads 8 --kv-heads 4 --ffn 1408 \
  --vocab 4096 --context 8192 --type q8_0 --tied --seed 3 >/dev/null
export MYELIN_ADMIN_KEY=bench-key-0123456789abcdef
start_servers() {
  # Fresh servers and data folders every round: a server kept across rounds would start round 2 with the shared
  # system prompt already cached (Myelin's prefix cache, llama-server's slots), so later rounds would not compare
  # like with like.
  local round=$1
  pids=()
  $cli serve --data "$out/on-$round" --urls http://127.0.0.1:5111 --model "$out/model.gguf" --prefix-cache-tokens 16384 >/dev/null 2>&1 &
  pids+=($!)
  $cli serve --data "$out/off-$round" --urls http://127.0.0.1:5112 --model "$out/model.gguf" --prefix-cache-tokens 0 >/dev/null 2>&1 &
  pids+=($!)
  ports=(5111 5112)
  if [ -n "$llama_server" ]; then
    # One slot per session, the whole context for each, prompt caching on (llama-server's default), same thread count.
    "$llama_server" -m "$out/model.gguf" --host 127.0.0.1 --port 5113 -t "$threads" -np 3 -c 24576 >"$out/llama-server.log" 2>&1 &
    pids+=($!)
    ports+=(5113)
  fi
  for port in "${ports[@]}"; do
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
  done
}
stop_servers() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
for round in $(seq 1 "$rounds"); do
  start_servers "$round"
  for port in "${ports[@]}"; do
    case $port in 5111) label="myelin, cache on" ;; 5112) label="myelin, cache off" ;; *) label="llama-server" ;; esac
    echo "== round $round, $label"
    NO_COLOR=1 $cli bench replay --url "http://127.0.0.1:$port/v1" --model myelin-synthetic --key "$MYELIN_ADMIN_KEY" \
      --sessions 3 --turns 4 --seed "$round" --tokenizer "$out/model.gguf" | grep -E "TTFT|ITL|reused|ideal|tokens/s"
  done
  stop_servers
done
