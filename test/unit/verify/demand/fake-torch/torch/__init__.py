"""A stand-in for the small part of PyTorch the GPU demand script uses, in plain Python.

It lets the real script (src/verify/demand/gpu-script.ts) run its whole flow on a machine without
torch or a GPU: seeded matrices, matmul, sampled checks, copies, the seeded fill and its read-back.
It checks the script's control flow and its JSON, not PyTorch's semantics; the real thing runs on a
GPU machine. EDGE_FAKE_TORCH_LIE=1 makes matmul return wrong numbers, like a device that fakes work.
"""
import os
import random as _random

__version__ = "0.0-fake"


class _Version:
    cuda = None


version = _Version()


class dtype:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return "torch." + self.name


float16, bfloat16, float32, float64 = dtype("float16"), dtype("bfloat16"), dtype("float32"), dtype("float64")


class device:
    def __init__(self, type, index=None):
        self.type, self.index = type, index


class Generator:
    def __init__(self, device=None):
        self._rng = _random.Random(0)

    def manual_seed(self, seed):
        self._rng.seed(seed)
        return self


class Tensor:
    def __init__(self, data, shape, dt):
        self.data, self.shape, self.dtype = data, shape, dt

    def to(self, dt):
        return Tensor(list(self.data), self.shape, dt)

    def double(self):
        return self.to(float64)

    def float(self):
        return self.to(float32)

    def item(self):
        return self.data[0]

    def sum(self):
        return Tensor([sum(self.data)], (1,), self.dtype)

    def __mul__(self, other):
        return Tensor([a * b for a, b in zip(self.data, other.data)], self.shape, self.dtype)

    def __matmul__(self, other):
        n, k = self.shape
        m = other.shape[1]
        lie = os.environ.get("EDGE_FAKE_TORCH_LIE") == "1"
        out = [0.0] * (n * m)
        for i in range(n):
            for j in range(m):
                v = sum(self.data[i * k + x] * other.data[x * m + j] for x in range(k))
                # Far from the true product whatever the seed: a constant lie was right by chance once in a while.
                out[i * m + j] = v + 1000.0 if lie else v
        return Tensor(out, (n, m), self.dtype)

    def __getitem__(self, index):
        i, j = index
        rows, cols = self.shape
        if isinstance(i, slice):
            return Tensor([self.data[r * cols + j] for r in range(rows)], (rows,), self.dtype)
        if isinstance(j, slice):
            return Tensor(self.data[i * cols:(i + 1) * cols], (cols,), self.dtype)
        return Tensor([self.data[i * cols + j]], (1,), self.dtype)

    def copy_(self, src):
        self.data[:] = src.data
        return self

    def uniform_(self, generator=None):
        rng = generator._rng
        self.data[:] = [rng.random() for _ in self.data]
        return self


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def randn(*shape, generator=None, device=None, dtype=float32):
    return Tensor([generator._rng.gauss(0.0, 1.0) for _ in range(_numel(shape))], shape, dtype)


def empty(*shape, dtype=float32, device=None):
    return Tensor([0.0] * _numel(shape), shape, dtype)


def empty_like(t):
    return empty(*t.shape, dtype=t.dtype)


def equal(a, b):
    return a.shape == b.shape and a.data == b.data


class cuda:
    @staticmethod
    def is_available():
        return False
