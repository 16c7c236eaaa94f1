/**
 * Shell helpers shared by the demand scripts (memory.ts, cpu.ts), in the probe's dialect: POSIX sh,
 * builtins first, programs only where `command -v` finds them. Kept as text to prepend.
 *
 * In these template literals every `\${` is a shell `${` and `\\n` is printf's `\n`.
 */
export const SHELL_PRELUDE = `
: "\${PATH:=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"
export PATH
emit() { printf '%s=%s\\n' "$1" "$2"; }
have() { command -v "$1" >/dev/null 2>&1; }
# Centiseconds since boot in u, from /proc/uptime (builtins only; 10 ms resolution is plenty for
# runs of seconds). Leading zeros are stripped so $(( )) does not read the number as octal.
now() { read -r u _ < /proc/uptime; u=\${u%.*}\${u#*.}; while :; do case $u in 0?*) u=\${u#0} ;; *) break ;; esac; done; }
# Short sleeps where sleep takes fractions (GNU, busybox), whole seconds elsewhere.
nap() { sleep 0.2 2>/dev/null || sleep 1; }
# The container's own cgroup directory for a controller (v2: controller empty), or nothing.
cgdir() {
  if [ -r /sys/fs/cgroup/cgroup.controllers ]; then
    p=; while IFS= read -r l || [ -n "$l" ]; do case $l in 0::*) p=\${l#0::} ;; esac; done < /proc/self/cgroup
    d=/sys/fs/cgroup\${p%/}; [ -d "$d" ] || d=/sys/fs/cgroup; echo "$d"
  else
    while IFS= read -r l || [ -n "$l" ]; do
      r=\${l#*:}; c=\${r%%:*}; p=\${r#*:}
      case ",$c," in *",$1,"*) d=/sys/fs/cgroup/$c\${p%/}; [ -d "$d" ] || d=/sys/fs/cgroup/$c; [ -d "$d" ] || d=/sys/fs/cgroup/$1; echo "$d"; return ;; esac
    done < /proc/self/cgroup
  fi
}
# One "name value" line of a stat-style file (memory.stat, cpu.stat), or nothing.
statval() { [ -r "$1" ] && while read -r k v; do [ "$k" = "$2" ] && { echo "$v"; return; }; done < "$1"; }
`
