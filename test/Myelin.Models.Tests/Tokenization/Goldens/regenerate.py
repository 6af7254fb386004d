#!/usr/bin/env python3
"""Regenerates the golden tokenizer encodings from llama.cpp's llama-tokenize (see README.md).

usage: regenerate.py LLAMA_TOKENIZE MYELIN

LLAMA_TOKENIZE is a built llama.cpp `llama-tokenize`; MYELIN is the built `myelin` CLI. The script writes the three
synthesized GGUF files to a temporary folder with `myelin model synth`, runs every case of inputs.json through
llama-tokenize (exact bytes on stdin, no escape processing, no BOS) and rewrites <vocabulary>.jsonl next to itself.
"""
import json
import os
import subprocess
import sys
import tempfile

# Must match GoldenVocabularies in TokenizerGoldenTests.cs.
VOCABULARIES = [
    # (golden file, myelin --tokenizer, --arch)
    ("llama-spm", "llama2", "llama"),
    ("qwen2-bpe", "chatml", "qwen2"),
    ("llama3-bpe", "llama3", "llama"),
]
SIZE = 1000
SEED = 11


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tokenize, myelin = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "inputs.json"), encoding="utf-8") as f:
        cases = json.load(f)
    with tempfile.TemporaryDirectory() as work:
        for name, kind, arch in VOCABULARIES:
            model = os.path.join(work, name + ".gguf")
            subprocess.run([myelin, "model", "synth", "--out", model, "--arch", arch, "--type", "f32", "--dim", "8",
                            "--layers", "1", "--heads", "2", "--kv-heads", "1", "--ffn", "8", "--context", "64",
                            "--vocab", str(SIZE), "--tokenizer", kind, "--seed", str(SEED)],
                           check=True, stdout=subprocess.DEVNULL)
            lines = []
            for case in cases:
                args = [tokenize, "-m", model, "--stdin", "--ids", "--no-bos", "--no-escape", "--log-disable"]
                if not case["special"]:
                    args.append("--no-parse-special")
                result = subprocess.run(args, input=case["text"].encode("utf-8"), capture_output=True, check=True)
                ids = json.loads(result.stdout.decode("utf-8").strip().splitlines()[-1])
                lines.append(json.dumps({"text": case["text"], "special": case["special"], "ids": ids},
                                        ensure_ascii=True, separators=(",", ":")))
            with open(os.path.join(here, name + ".jsonl"), "w", encoding="utf-8", newline="\n") as f:
                f.write("\n".join(lines) + "\n")
            print(f"{name}: {len(lines)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
