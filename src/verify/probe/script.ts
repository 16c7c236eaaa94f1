/**
 * The hardware probe: one POSIX sh script run inside the lease's container. It must work in
 * minimal images (busybox, alpine, debian, ubuntu, nvidia/cuda), so it reads files with the `read`
 * builtin, walks directories with globs and `${var%/*}`, prints with the `printf` builtin, and runs
 * an external tool (nproc, df, stat, uname, timeout, nvidia-smi) only after `command -v` finds it.
 *
 * Output: one `key=value` line per fact, starting with `probe=edge-probe/1` and ending with
 * `probe.end=ok` (a missing end means the output was cut). Keys may repeat (one line per df line,
 * per nvidia-smi line); the parser (parse.ts) turns them into typed facts. Values are raw file
 * contents; all trimming and unit handling is in TypeScript, where it can be tested.
 *
 * Volume mount paths to measure can be passed as arguments ($@); every directory mount of a real
 * file system is measured too.
 *
 * In a template literal: every `\${` below is a shell `${`, and `\\n` is printf's `\n`.
 */
export const PROBE_SCRIPT = `
: "\${PATH:=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"
export PATH
# Tests point this at a fake host tree; in a container it is empty.
R=\${EDGE_PROBE_ROOT:-}
emit() { printf '%s=%s\\n' "$1" "$2"; }
have() { command -v "$1" >/dev/null 2>&1; }
# One line of a file (sysfs/cgroup files hold one value); nothing when unreadable.
emit_file() { if [ -r "$2" ]; then v=; IFS= read -r v 2>/dev/null < "$2"; emit "$1" "$v"; fi; }
# Every line of a file under one key.
emit_lines() { if [ -r "$2" ]; then while IFS= read -r l || [ -n "$l" ]; do emit "$1" "$l"; done < "$2"; fi; }
# Walks from a cgroup up to its mount root: a parent's limit binds the child too, and which level
# carries the limit differs between Docker, Podman and Kubernetes.
walk() {
  pre=$1; mnt=$2; p=\${3%/}; shift 3
  d=$mnt$p; [ -d "$d" ] || d=$mnt
  i=0
  while [ -d "$d" ]; do
    emit "$pre.$i.dir" "$d"
    for f in "$@"; do emit_file "$pre.$i.$f" "$d/$f"; done
    [ "$d" = "$mnt" ] && break
    case $d in "$mnt"/*) d=\${d%/*} ;; *) break ;; esac
    i=$((i+1))
  done
}

emit probe edge-probe/1
emit_file kernel.release "$R"/proc/sys/kernel/osrelease
have uname && emit arch "$(uname -m 2>/dev/null)"

# CPU
if [ -r "$R"/proc/cpuinfo ]; then
  n=0; model=; vendor=; part=
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      processor*:*) n=$((n+1)) ;;
      "model name"*:*|"cpu model"*:*) [ -z "$model" ] && model=\${line#*:} ;;
      vendor_id*:*) [ -z "$vendor" ] && vendor=\${line#*:} ;;
      "CPU part"*:*) [ -z "$part" ] && part=\${line#*:} ;;
    esac
  done < "$R"/proc/cpuinfo
  emit cpu.processors "$n"
  emit cpu.model "$model"
  emit cpu.vendor "$vendor"
  [ -n "$part" ] && emit cpu.arm_part "$part"
fi
emit_file cpu.online "$R"/sys/devices/system/cpu/online
if [ -r "$R"/proc/self/status ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in Cpus_allowed_list:*) emit cpu.allowed "\${line#*:}" ;; esac
  done < "$R"/proc/self/status
fi
have nproc && emit cpu.nproc "$(nproc 2>/dev/null)"

# cgroup limits
if [ -r "$R"/sys/fs/cgroup/cgroup.controllers ]; then
  emit cgroup.version 2
  cgp=
  [ -r "$R"/proc/self/cgroup ] && while IFS= read -r line || [ -n "$line" ]; do
    case $line in 0::*) cgp=\${line#0::} ;; esac
  done < "$R"/proc/self/cgroup
  emit cgroup.path "$cgp"
  walk cgroup.v2 "$R"/sys/fs/cgroup "$cgp" cpu.max memory.max memory.swap.max cpuset.cpus.effective
elif [ -r "$R"/proc/self/cgroup ]; then
  emit cgroup.version 1
  while IFS= read -r line || [ -n "$line" ]; do
    rest=\${line#*:}; ctrls=\${rest%%:*}; path=\${rest#*:}
    case ",$ctrls," in
      *,cpu,*)
        mnt="$R"/sys/fs/cgroup/$ctrls; [ -d "$mnt" ] || mnt="$R"/sys/fs/cgroup/cpu
        emit cgroup.v1.cpu.path "$path"
        walk cgroup.v1.cpu "$mnt" "$path" cpu.cfs_quota_us cpu.cfs_period_us ;;
    esac
    case ",$ctrls," in
      *,memory,*)
        emit cgroup.v1.memory.path "$path"
        walk cgroup.v1.memory "$R"/sys/fs/cgroup/memory "$path" memory.limit_in_bytes memory.memsw.limit_in_bytes ;;
    esac
    case ",$ctrls," in
      *,cpuset,*)
        mnt="$R"/sys/fs/cgroup/$ctrls; [ -d "$mnt" ] || mnt="$R"/sys/fs/cgroup/cpuset
        walk cgroup.v1.cpuset "$mnt" "$path" cpuset.effective_cpus cpuset.cpus ;;
    esac
  done < "$R"/proc/self/cgroup
fi

# Memory
if [ -r "$R"/proc/meminfo ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      MemTotal:*) emit mem.total "\${line#*:}" ;;
      MemAvailable:*) emit mem.available "\${line#*:}" ;;
      SwapTotal:*) emit mem.swap_total "\${line#*:}" ;;
    esac
  done < "$R"/proc/meminfo
fi

# Disk: / and the volume paths given, then every directory mount of a real file system.
disk() {
  emit disk.path "$1"
  if have df; then
    df -P -k "$1" 2>/dev/null | { IFS= read -r hdr; while IFS= read -r l || [ -n "$l" ]; do emit disk.df "$l"; done; }
  elif have stat; then
    emit disk.statfs "$(stat -f -c '%S %b %a' "$1" 2>/dev/null)"
  else
    emit disk.unknown "no df or stat in the image"
  fi
}
disk /
for p in "$@"; do disk "$p"; done
if [ -r "$R"/proc/self/mounts ]; then
  set -f
  while IFS= read -r line || [ -n "$line" ]; do
    set -- $line
    case $3 in proc|sysfs|tmpfs|devtmpfs|devpts|mqueue|cgroup|cgroup2|securityfs|debugfs|tracefs|pstore|bpf|hugetlbfs|configfs|fusectl|binfmt_misc|autofs|nsfs|rpc_pipefs|ramfs|efivarfs|selinuxfs) continue ;; esac
    case $2 in /|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*|*\\\\*) continue ;; esac
    [ -d "$2" ] || continue
    emit mount "$1 $2 $3"
    disk "$2"
  done < "$R"/proc/self/mounts
  set +f
fi

# GPUs as the kernel lists them: the NVIDIA driver's procfs (the container runtime shows only the
# GPUs given to this container there), the device nodes, and the PCI bus (the whole host).
if [ -d "$R"/proc/driver/nvidia ]; then emit gpu.procfs present; else emit gpu.procfs absent; fi
emit_file gpu.driver "$R"/proc/driver/nvidia/version
i=0
for f in "$R"/proc/driver/nvidia/gpus/*/information; do
  [ -r "$f" ] || continue
  d=\${f%/information}
  emit gpu.kernel.$i.bus "\${d##*/}"
  emit_lines gpu.kernel.$i.info "$f"
  i=$((i+1))
done
emit gpu.kernel.count "$i"
n=0
for f in "$R"/dev/nvidia[0-9]*; do [ -e "$f" ] && { emit gpu.dev "\${f##*/}"; n=$((n+1)); }; done
emit gpu.dev.count "$n"
if [ -d "$R"/sys/bus/pci/devices ]; then
  emit pci.sysfs present
  i=0
  for d in "$R"/sys/bus/pci/devices/*; do
    [ -r "$d/vendor" ] || continue
    v=; IFS= read -r v < "$d/vendor"
    [ "$v" = 0x10de ] || continue
    emit pci.$i.addr "\${d##*/}"
    emit_file pci.$i.class "$d/class"
    emit_file pci.$i.device "$d/device"
    emit_file pci.$i.subsystem_device "$d/subsystem_device"
    i=$((i+1))
  done
  emit pci.nvidia.count "$i"
else
  emit pci.sysfs absent
fi

# What nvidia-smi claims (a shim can claim anything; the comparison above is the point).
if have nvidia-smi; then
  emit smi.path "$(command -v nvidia-smi)"
  # Old busybox timeout wants -t SECS; try the form first so a usage error is not read as nvidia-smi's.
  if have timeout && timeout 5 true >/dev/null 2>&1; then
    out=$(timeout 20 nvidia-smi --query-gpu=name,memory.total,uuid,pci.bus_id --format=csv,noheader 2>&1); rc=$?
  else
    out=$(nvidia-smi --query-gpu=name,memory.total,uuid,pci.bus_id --format=csv,noheader 2>&1); rc=$?
  fi
  emit smi.exit "$rc"
  printf '%s\\n' "$out" | while IFS= read -r l || [ -n "$l" ]; do [ -n "$l" ] && emit smi.line "$l"; done
else
  emit smi.path ""
fi
emit probe.end ok
`

/** The argv to run the probe with: `sh -c SCRIPT edge-probe [volume mount paths…]`. */
export function probeArgv(volumeMounts: readonly string[] = []): string[] {
  return ['sh', '-c', PROBE_SCRIPT, 'edge-probe', ...volumeMounts]
}
