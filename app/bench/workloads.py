"""What the benchmark asks of the model: its prompts and filler texts, the same for every path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when needed: importing llama_cpp loads llama.cpp
    from inference.llama_api import LlamaModel

# Rounds of decode runs, one run of each path (a) to (f) per round (ui.bench_gui drives
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


# The long-chat phase (app.bench.long_chat): many short turns, as in a real chat that goes
# on for an evening. Each topic gets a few questions in a row (a follow-up refers back to
# the last answer, as people do); the phrasings and the topics cycle at coprime lengths so
# that no two nearby turns are the same text and the prompt never becomes a repeating block
# that a cache could exploit unfairly.
LONG_CHAT_SYSTEM = "You are a concise assistant. Answer in one short sentence."
LONG_CHAT_MESSAGES = [
    "Tell me one fact about {} that most people have never heard.",
    "Is that true everywhere in the world, or only in some places?",
    "What is a common myth about {}, and where does it come from?",
    "Why do so many people find {} interesting? Keep it short.",
    "Give me one number related to {} and say what it measures.",
    "How would you explain that to a curious seven-year-old child?",
    "Name something surprising about {} that a scientist would mention.",
    "Okay. What should I read next if I want to learn more about {}?",
    "Thanks, that helps. Could you add one more detail to your last answer?",
    "What do researchers still not understand about {} today?",
    "Could you say the same thing again in fewer words, please?",
]
LONG_CHAT_TOPICS = [
    "the ocean", "volcanoes", "owls", "glaciers", "bees", "the moon", "coffee", "bridges",
    "octopuses", "deserts", "trains", "mushrooms", "lightning", "the Roman roads", "whales",
    "tea", "comets", "forests", "maps", "clocks", "salt", "penguins", "rivers", "paper",
    "thunderstorms", "ants", "lighthouses", "bread", "the Sahara", "honey", "caves",
]
LONG_CHAT_TURNS_PER_TOPIC = 3


def long_chat_message(turn: int) -> str:
    """The user's message of turn ``turn`` (0-based) of the long-chat phase."""
    topic = LONG_CHAT_TOPICS[turn // LONG_CHAT_TURNS_PER_TOPIC % len(LONG_CHAT_TOPICS)]
    return LONG_CHAT_MESSAGES[turn % len(LONG_CHAT_MESSAGES)].format(topic)
