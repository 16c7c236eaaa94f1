/**
 * The GPU workload, in Python with PyTorch: the one tool that is commonly in GPU images and can
 * drive CUDA without shipping a binary. Per visible GPU, one after the other:
 *
 * 1. compute: a seeded bf16 (fp16 before compute capability 8.0) m×m matmul, timed over ≥ `seconds`
 *    with the device synchronised, then 16 seeded (i, j) entries of the product recomputed in fp64
 *    and compared: a device that returns fast garbage fails here, not on speed;
 * 2. bandwidth: device-to-device copies of a 1 GiB buffer (read + write counted);
 * 3. memory: `fraction` of the claimed VRAM (capped by what is free) filled in 256 MiB chunks, each
 *    from its own seeded generator, then every chunk regenerated and compared: the memory must hold
 *    distinct data, not alias a smaller buffer.
 *
 * Seeds change per run (the caller passes one), so nothing can be precomputed. The script prints
 * one JSON object; a missing tool is a status, not an error, so the caller can say how to run it.
 * `EDGE_GPU_DEMAND_DEVICE=cpu` runs the same steps on the CPU at tiny sizes, for tests only.
 */
export const GPU_DEMAND_PY = String.raw`
import json, os, random, sys, time

def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

try:
    import torch
except Exception as e:
    emit({"status": "no-tool", "reason": "python3 cannot import torch (%s)" % (type(e).__name__)})
    sys.exit(0)

seed = int(sys.argv[1])
fraction = float(sys.argv[2])
claimed = [int(x) for x in sys.argv[3].split(",") if x]
seconds = float(sys.argv[4])
cpu = os.environ.get("EDGE_GPU_DEMAND_DEVICE") == "cpu"
GiB = 1 << 30

if not cpu and not torch.cuda.is_available():
    emit({"status": "no-cuda", "reason": "torch %s sees no CUDA device" % torch.__version__})
    sys.exit(0)

def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)

def matmul(dev, dtype, m, seed):
    g = torch.Generator(device=dev)
    g.manual_seed(seed)
    a = torch.randn(m, m, generator=g, device=dev, dtype=torch.float32).to(dtype)
    b = torch.randn(m, m, generator=g, device=dev, dtype=torch.float32).to(dtype)
    c = a @ b
    sync(dev)
    iters, t0 = 0, time.perf_counter()
    while True:
        for _ in range(10):
            c = a @ b
        iters += 10
        sync(dev)
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds or iters >= 100000:
            break
    rnd = random.Random(seed)
    wrong = 0
    for _ in range(16):
        i, j = rnd.randrange(m), rnd.randrange(m)
        ref = float((a[i, :].double() * b[:, j].double()).sum().item())
        got = float(c[i, j].float().item())
        if not abs(got - ref) <= 0.02 * abs(ref) + 0.05:
            wrong += 1
    out = {"m": m, "dtype": str(dtype).replace("torch.", ""), "iters": iters, "seconds": elapsed,
           "tflops": 2.0 * m * m * m * iters / elapsed / 1e12, "sampled": 16, "wrong": wrong}
    del a, b, c
    return out

def bandwidth(dev, nbytes):
    src = torch.empty(nbytes // 2, dtype=torch.float16, device=dev)
    dst = torch.empty_like(src)
    dst.copy_(src)
    sync(dev)
    reps, t0 = 0, time.perf_counter()
    while True:
        for _ in range(5):
            dst.copy_(src)
        reps += 5
        sync(dev)
        elapsed = time.perf_counter() - t0
        if elapsed >= max(0.5, seconds / 2) or reps >= 100000:
            break
    del src, dst
    return {"bytes": nbytes, "reps": reps, "seconds": elapsed, "gbs": 2.0 * nbytes * reps / elapsed / 1e9}

def fill(dev, target, chunk, seed):
    g = torch.Generator(device=dev)
    chunks, held, oom = [], 0, False
    t0 = time.perf_counter()
    try:
        for k in range(target // chunk):
            t = torch.empty(chunk // 2, dtype=torch.float16, device=dev)
            g.manual_seed(seed * 1000003 + k)
            t.uniform_(generator=g)
            chunks.append(t)
            held += chunk
        sync(dev)
    except RuntimeError as e:
        if "out of memory" not in str(e).lower():
            raise
        oom = True
    fill_s = time.perf_counter() - t0
    bad, t0 = 0, time.perf_counter()
    if chunks:
        try:
            scratch = torch.empty_like(chunks[0])
        except RuntimeError:
            chunks.pop()
            held -= chunk
            scratch = torch.empty_like(chunks[0]) if chunks else None
        for k, t in enumerate(chunks):
            g.manual_seed(seed * 1000003 + k)
            scratch.uniform_(generator=g)
            if not torch.equal(t, scratch):
                bad += 1
        del scratch
    sync(dev)
    out = {"target": target, "held": held, "chunks": len(chunks), "bad_chunks": bad, "oom": oom,
           "fill_seconds": fill_s, "verify_seconds": time.perf_counter() - t0}
    del chunks
    return out

count = 1 if cpu else torch.cuda.device_count()
gpus = []
for d in range(count):
    dev = torch.device("cpu") if cpu else torch.device("cuda", d)
    r = {"index": d}
    try:
        if cpu:
            r.update(name="cpu", total=2 << 20, free=2 << 20, cc="cpu")
            dtype, m, copy, chunk = torch.bfloat16, 24, 256 << 10, 64 << 10
        else:
            p = torch.cuda.get_device_properties(d)
            free, total = torch.cuda.mem_get_info(d)
            r.update(name=p.name, total=total, free=free, cc="%d.%d" % (p.major, p.minor))
            for key in ("uuid", "pci_bus_id", "pci_device_id"):
                if hasattr(p, key):
                    r[key] = str(getattr(p, key))
            dtype = torch.bfloat16 if p.major >= 8 else torch.float16
            m, copy, chunk = 8192, GiB, 256 << 20
        claim = claimed[d] if d < len(claimed) else (claimed[-1] if claimed else r["total"])
        r["claimed"] = claim
        r["compute"] = matmul(dev, dtype, m, seed + d)
        r["bandwidth"] = bandwidth(dev, copy)
        if not cpu:
            torch.cuda.empty_cache()
            free, _ = torch.cuda.mem_get_info(d)
            r["free_before_fill"] = free
        reserve = 0 if cpu else 512 << 20
        target = int(min(claim * fraction, r.get("free_before_fill", r["free"]) - reserve - chunk))
        r["memory"] = fill(dev, max(0, target), chunk, seed + d)
        if not cpu:
            torch.cuda.empty_cache()
    except Exception as e:
        r["error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:300] if str(e) else "")
    gpus.append(r)

emit({"status": "ran", "torch": torch.__version__, "cuda": getattr(torch.version, "cuda", None), "seed": seed, "fraction": fraction, "gpus": gpus})
`
