#!/usr/bin/python3
"""Renders every chat template in ../shared/fixtures/chat-templates with every conversation in
conversations.json (with its tools, where it has some) using Python's jinja2, set up as Hugging Face transformers sets it up for
apply_chat_template (trim_blocks, lstrip_blocks, loop controls, its tojson, raise_exception, strftime_now),
and writes the renders to ../expected/<template>/<conversation>.txt. A template that raises writes
"ERROR: <message>". Run once with Debian's python3-jinja2 (apt-get install -y python3-jinja2):

    /usr/bin/python3 render_expected.py /work/shared/fixtures/chat-templates
"""
import json
import os
import sys
from datetime import datetime

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))


class TemplateRaised(Exception):
    pass


def raise_exception(message):
    raise TemplateRaised(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' own tojson: unlike jinja2's, it neither escapes HTML nor sorts keys.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main(templates_dir):
    with open(os.path.join(HERE, "..", "conversations.json"), encoding="utf-8") as f:
        spec = json.load(f)
    env = environment()
    for name, tokens in sorted(spec["specialTokens"].items()):
        with open(os.path.join(templates_dir, name), encoding="utf-8") as f:
            template = env.from_string(f.read())
        out_dir = os.path.join(HERE, "..", "expected", name)
        os.makedirs(out_dir, exist_ok=True)
        for conv_name, conv in sorted(spec["conversations"].items()):
            try:
                extra = {"tools": conv["tools"]} if "tools" in conv else {}
                text = template.render(messages=conv["messages"],
                                       add_generation_prompt=conv["add_generation_prompt"], **tokens, **extra)
            except TemplateRaised as e:
                text = "ERROR: " + str(e)
            with open(os.path.join(out_dir, conv_name + ".txt"), "w", encoding="utf-8", newline="") as f:
                f.write(text)
    print("jinja2", jinja2.__version__, "rendered", len(spec["specialTokens"]), "templates x",
          len(spec["conversations"]), "conversations")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, *[".."] * 7, "shared", "fixtures", "chat-templates"))
