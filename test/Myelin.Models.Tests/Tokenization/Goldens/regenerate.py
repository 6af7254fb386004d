#!/usr/bin/env python3
"""Regenerates the golden tokenizer encodings from llama.cpp's llama-tokenize (see README.md).

usage: regenerate.py LLAMA_TOKENIZE MYELIN

LLAMA_TOKENIZE is a built llama.cpp `llama-tokenize`; MYELIN is the built `myelin` CLI. The script writes the three
synthesized GGUF files to a temporary folder with `myelin model synth`, runs every case of inputs.json through
llama-tokenize (exact bytes on stdin, no escape processing, BOS only where a case says "bos": true) and rewrites <vocabulary>.jsonl next to itself.
It also rewrites pretokenizer.jsonl: the plain-text cases split by the pre-tokenizer patterns of the Hugging Face
tokenizer.json files, matched over code points by the Python `regex` module (pip package `regex`).
"""
import json
import os
import subprocess
import sys
import tempfile

import regex

# Must match GoldenVocabularies in TokenizerGoldenTests.cs.
VOCABULARIES = [
    # (golden file, myelin --tokenizer, --arch)
    ("llama-spm", "llama2", "llama"),
    ("qwen2-bpe", "chatml", "qwen2"),
    ("llama3-bpe", "llama3", "llama"),
]
SIZE = 1000
SEED = 11

# The Split pre-tokenizer patterns of GPT-2, Llama 3 and Qwen2's tokenizer.json.
PATTERNS = {
    "gpt2": r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
    "llama3": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    "qwen2": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
}


def write_pretokenizer(here, cases):
    lines = []
    for case in cases:
        if case["special"] or case.get("bos", False) or "not_pretokenizer" in case or not case["text"]:
            continue
        row = {"text": case["text"]}
        for name, pattern in PATTERNS.items():
            row[name] = regex.findall(pattern, case["text"])
        # Keep it small: only texts the three patterns split differently, or with characters outside the BMP.
        if row["gpt2"] == row["llama3"] == row["qwen2"] and all(ord(c) < 0x10000 for c in case["text"]):
            continue
        lines.append(json.dumps(row, ensure_ascii=True, separators=(",", ":")))
    with open(os.path.join(here, "pretokenizer.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"pretokenizer: {len(lines)} cases")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tokenize, myelin = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "inputs.json"), encoding="utf-8") as f:
        cases = json.load(f)
    write_pretokenizer(here, cases)
    with tempfile.TemporaryDirectory() as work:
        for name, kind, arch in VOCABULARIES:
            model = os.path.join(work, name + ".gguf")
            subprocess.run([myelin, "model", "synth", "--out", model, "--arch", arch, "--type", "f32", "--dim", "8",
                            "--layers", "1", "--heads", "2", "--kv-heads", "1", "--ffn", "8", "--context", "64",
                            "--vocab", str(SIZE), "--tokenizer", kind, "--seed", str(SEED)],
                           check=True, stdout=subprocess.DEVNULL)
            lines = []
            for case in cases:
                args = [tokenize, "-m", model, "--stdin", "--ids", "--no-escape", "--log-disable"]
                if not case["special"]:
                    args.append("--no-parse-special")
                if not case.get("bos", False):
                    args.append("--no-bos")
                result = subprocess.run(args, input=case["text"].encode("utf-8"), capture_output=True, check=True)
                ids = json.loads(result.stdout.decode("utf-8").strip().splitlines()[-1])
                row = {"text": case["text"], "special": case["special"], "ids": ids}
                if case.get("bos", False):
                    row["bos"] = True
                lines.append(json.dumps(row, ensure_ascii=True, separators=(",", ":")))
            with open(os.path.join(here, name + ".jsonl"), "w", encoding="utf-8", newline="\n") as f:
                f.write("\n".join(lines) + "\n")
            print(f"{name}: {len(lines)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
