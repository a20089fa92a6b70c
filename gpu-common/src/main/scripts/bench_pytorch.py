#!/usr/bin/env python3
"""PyTorch eager baseline for the Specula CUDA benchmark (CudaBench): the same Llama architecture with random
weights, decoded one token at a time with a preallocated KV cache, plus the time to verify a block of k drafts
(k + 1 tokens against the cache, logits for every row). Prints decode tok/s against the measured copy
bandwidth bound, like CudaBench, so the two can be put side by side on one GPU.

  python3 bench_pytorch.py --dtype float16        # defaults: the ~1.1B shape run-bench.sh gives the engine
"""
import argparse
import math
import time

import torch


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + eps).to(x.dtype) * weight


def rope_tables(head_size, positions, theta, device):
    freqs = 1.0 / (theta ** (torch.arange(0, head_size, 2, device=device).float() / head_size))
    angles = torch.outer(torch.arange(positions, device=device).float(), freqs)
    return torch.cos(angles), torch.sin(angles)


def rope(x, cos, sin):
    # x: [tokens, heads, head_size]; interleaved pairs (2j, 2j + 1), as the engine's INTERLEAVED style
    x0, x1 = x[..., 0::2].float(), x[..., 1::2].float()
    c, s = cos[:, None, :], sin[:, None, :]
    out = torch.stack((x0 * c - x1 * s, x0 * s + x1 * c), dim=-1).flatten(-2)
    return out.to(x.dtype)


class Llama:
    def __init__(self, a, dtype, device):
        g = torch.Generator(device="cpu").manual_seed(1)

        def w(*shape):
            return (torch.randn(*shape, generator=g) / math.sqrt(shape[-1])).to(dtype).to(device)

        self.a = a
        self.head_size = a.dim // a.heads
        kv_dim = a.kv_heads * self.head_size
        self.embedding = w(a.vocab, a.dim)
        self.layers = []
        for _ in range(a.layers):
            self.layers.append(dict(
                attn_norm=torch.ones(a.dim, dtype=dtype, device=device),
                wq=w(a.dim, a.dim), wk=w(kv_dim, a.dim), wv=w(kv_dim, a.dim), wo=w(a.dim, a.dim),
                ffn_norm=torch.ones(a.dim, dtype=dtype, device=device),
                w_gate=w(a.hidden_dim, a.dim), w_up=w(a.hidden_dim, a.dim), w_down=w(a.dim, a.hidden_dim)))
        self.norm = torch.ones(a.dim, dtype=dtype, device=device)
        self.classifier = w(a.vocab, a.dim)
        self.cos, self.sin = rope_tables(self.head_size, a.context, 10000.0, device)
        self.keys = torch.zeros(a.layers, a.context, a.kv_heads, self.head_size, dtype=dtype, device=device)
        self.values = torch.zeros_like(self.keys)

    def weight_bytes(self):
        tensors = [self.classifier, self.norm] + [t for layer in self.layers for t in layer.values()]
        return sum(t.numel() * t.element_size() for t in tensors)

    @torch.inference_mode()
    def forward(self, tokens, start):
        """Logits [len(tokens), vocab] for tokens at positions start.. (causal within the block)."""
        a, hs = self.a, self.head_size
        n = tokens.shape[0]
        x = self.embedding[tokens]
        cos, sin = self.cos[start:start + n], self.sin[start:start + n]
        total = start + n
        mask = torch.full((n, total), float("-inf"), device=x.device).triu(start + 1)
        for l, w in enumerate(self.layers):
            h = rms_norm(x, w["attn_norm"], 1e-5)
            q = rope((h @ w["wq"].T).view(n, a.heads, hs), cos, sin)
            k = rope((h @ w["wk"].T).view(n, a.kv_heads, hs), cos, sin)
            v = (h @ w["wv"].T).view(n, a.kv_heads, hs)
            self.keys[l, start:total] = k
            self.values[l, start:total] = v
            keys = self.keys[l, :total].repeat_interleave(a.heads // a.kv_heads, dim=1)
            values = self.values[l, :total].repeat_interleave(a.heads // a.kv_heads, dim=1)
            scores = torch.einsum("qhd,thd->hqt", q.float(), keys.float()) / math.sqrt(hs) + mask
            att = torch.einsum("hqt,thd->qhd", scores.softmax(-1), values.float()).to(x.dtype).reshape(n, a.dim)
            x = x + att @ w["wo"].T
            h = rms_norm(x, w["ffn_norm"], 1e-5)
            x = x + (torch.nn.functional.silu(h @ w["w_gate"].T) * (h @ w["w_up"].T)) @ w["w_down"].T
        return rms_norm(x, self.norm, 1e-5) @ self.classifier.T


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def copy_bandwidth(device):
    src = torch.empty(1 << 30, dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    best = float("inf")
    for r in range(6):
        sync(device)
        t = time.perf_counter()
        dst.copy_(src)
        sync(device)
        if r > 0:
            best = min(best, time.perf_counter() - t)
    return 2 * src.numel() / best


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dim", type=int, default=2048)
    p.add_argument("--hidden-dim", type=int, default=8192)
    p.add_argument("--layers", type=int, default=16)
    p.add_argument("--heads", type=int, default=32)
    p.add_argument("--kv-heads", type=int, default=8)
    p.add_argument("--vocab", type=int, default=32000)
    p.add_argument("--context", type=int, default=2048)
    p.add_argument("--dtype", choices=["float16", "bfloat16", "float32"], default="float16")
    p.add_argument("--prompt-tokens", type=int, default=64)
    p.add_argument("--decode-tokens", type=int, default=128)
    p.add_argument("--max-k", type=int, default=8)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--device", default="cuda", help="cuda (default), or cpu for a smoke test of the script")
    a = p.parse_args()
    device = torch.device(a.device)
    model = Llama(a, getattr(torch, a.dtype), device)
    bandwidth = copy_bandwidth(device)
    bound = bandwidth / model.weight_bytes()
    name = torch.cuda.get_device_name() if device.type == "cuda" else "cpu"
    print(f"pytorch {torch.__version__} eager on {name}: {a.dtype}, "
          f"{model.weight_bytes() / 1e6:.1f} MB of weights per token; copy bandwidth {bandwidth / 1e9:.0f} GB/s"
          f" -> decode bound {bound:.1f} tok/s")

    def token(i):
        return 3 + (i * 7919) % (a.vocab - 3)

    prompt = torch.tensor([token(i) for i in range(a.prompt_tokens)], device=device)
    for k in range(1, a.max_k + 1):  # warm-up of every block shape
        model.forward(prompt[:k + 1], 0)
    model.forward(prompt, 0)
    sync(device)
    steps = []
    for i in range(a.decode_tokens):
        t = time.perf_counter()
        logits = model.forward(torch.tensor([token(a.prompt_tokens + i)], device=device), a.prompt_tokens + i)
        logits.cpu()  # the engine also copies the logits to the host
        steps.append(time.perf_counter() - t)
    step = sorted(steps)[len(steps) // 2]
    decode = len(steps) / sum(steps)
    print(f"decode {decode:.1f} tok/s (median step {step * 1e3:.3f} ms) = {100 * decode / bound:.0f}% of the bound")
    base = a.prompt_tokens + a.decode_tokens
    line = []
    for k in range(1, a.max_k + 1):
        block = torch.tensor([token(base + i) for i in range(k + 1)], device=device)
        times = []
        for _ in range(a.repeats):
            t = time.perf_counter()
            model.forward(block, base).cpu()
            times.append(time.perf_counter() - t)
        median = sorted(times)[len(times) // 2]
        line.append(f"k={k} {median * 1e3:.3f} ms ({median / step:.2f} steps)")
    print("verify k+1 tokens: " + "  ".join(line))


if __name__ == "__main__":
    main()
