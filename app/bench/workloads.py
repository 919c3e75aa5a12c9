"""What the benchmark asks of the model: its prompts and filler texts, the same for every path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when needed: importing llama_cpp loads llama.cpp
    from inference.llama_api import LlamaModel

# Rounds of decode runs, one run of each path (a) to (e) per round (ui.bench_gui drives
# them): ratios of medians, with one noisy run on a shared machine deciding nothing.
DECODE_REPEATS = 5
DECODE_PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm."
PROSE_PROMPT = "Explain in detail how bread is made, step by step."
REWRITE_CODE = """def parse(line):
    fields = line.strip().split(",")
    name = fields[0].strip()
    age = int(fields[1])
    city = fields[2].strip()
    return {"name": name, "age": age, "city": city}


def load(path):
    people = []
    with open(path) as handle:
        for line in handle:
            if line.strip():
                people.append(parse(line))
    return people
"""
REWRITE_PROMPT = (
    "Here is some Python code:\n```python\n" + REWRITE_CODE + "```\n"
    "Rewrite the whole code exactly as it is, but rename the function `load` to `read_people`. "
    "Answer with the code only."
)
TURN_MESSAGES = [
    "Tell me one fact about {}.",
    "Why is that interesting?",
    "Give me another fact about {}.",
    "Summarise what we said in one sentence.",
]
TOPICS = ["the ocean", "volcanoes", "owls", "glaciers", "bees"]


def filler_text(llm: LlamaModel, n_tokens: int, salt: int) -> str:
    words = ["river", "stone", "cloud", "maple", "copper", "lantern", "harbor", "meadow"]
    text = [f"Note {salt}:"]
    i = salt
    while len(llm.tokenize(" ".join(text), add_bos=False, special=False)) < n_tokens - 40:
        text.append(words[i % len(words)])
        i += 7
    return " ".join(text)


def filler_tokens(llm: LlamaModel, n_tokens: int, salt: int) -> list[int]:
    tokens = llm.tokenize(filler_text(llm, n_tokens + 60, salt), add_bos=False, special=False)
    return tokens[:n_tokens]
