#!/usr/bin/env bash
# A single-validator Akash chain on loopback, for the conformance tests.
#
# Usage: localnet.sh start | stop [--purge] | status
#
# Environment (all optional):
#   AKASH_LOCALNET_HOME       state dir (default ${TMPDIR:-/tmp}/edge-akash-localnet); the node's home
#                             is <dir>/node, its log <dir>/node.log
#   AKASH_LOCALNET_RPC_PORT   CometBFT RPC (36657)     AKASH_LOCALNET_GRPC_PORT  gRPC (19090)
#   AKASH_LOCALNET_REST_PORT  REST/LCD (11317)         AKASH_LOCALNET_P2P_PORT   p2p (36656)
#   AKASH_LOCALNET_BLOCK_TIME timeout_commit (500ms)   AKASH_LOCALNET_TIMEOUT    start wait, s (180)
#   EDGE_AKASH_BIN            an akash binary to use instead of build-akash.sh's cached build
#   AKASH_LOCALNET_VERSION    node version passed to build-akash.sh
#
# `start` creates a fresh chain (chain id `local`) with the accounts of accounts.json, starts the
# node in the background, waits for height >= 2 and prints KEY=value lines (RPC, GRPC, REST, ...).
# Mainnet's deployment/market minimum deposits are kept as they are.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHAIN_ID=local
STATE=${AKASH_LOCALNET_HOME:-${TMPDIR:-/tmp}/edge-akash-localnet}
NODE_HOME=$STATE/node
LOG=$STATE/node.log
PIDFILE=$STATE/node.pid
ENVFILE=$STATE/localnet.env
RPC_PORT=${AKASH_LOCALNET_RPC_PORT:-36657}
GRPC_PORT=${AKASH_LOCALNET_GRPC_PORT:-19090}
REST_PORT=${AKASH_LOCALNET_REST_PORT:-11317}
P2P_PORT=${AKASH_LOCALNET_P2P_PORT:-36656}
BLOCK_TIME=${AKASH_LOCALNET_BLOCK_TIME:-500ms}
WAIT_S=${AKASH_LOCALNET_TIMEOUT:-180}
MIN_GAS_PRICE=0.025uakt
VALIDATOR_STAKE=500000000000uakt

log() { printf '[localnet %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $1"; exit "${2:-1}"; }

# The node reads flags from AKASH_* variables (its viper env prefix): a stray AKASH_NODE or
# AKASH_CHAIN_ID in the caller's environment must not change what this script sets up.
for v in $(compgen -e); do
  [[ $v == AKASH_* && $v != AKASH_LOCALNET_* ]] && unset "$v"
done

running_pid() {
  [[ -f $PIDFILE ]] || return 1
  local pid
  pid=$(cat "$PIDFILE")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

# Height from the RPC, or nothing; also checks that the chain answering is ours.
rpc_height() {
  local body
  body=$(curl -fsS --max-time 2 "http://127.0.0.1:$RPC_PORT/status" 2>/dev/null) || return 1
  node -e '
    const s = JSON.parse(process.argv[1]).result
    if (s.node_info.network !== process.argv[2]) process.exit(1)
    process.stdout.write(s.sync_info.latest_block_height)' "$body" "$CHAIN_ID"
}

print_env() {
  cat <<EOF
AKASH_LOCALNET_CHAIN_ID=$CHAIN_ID
AKASH_LOCALNET_RPC=http://127.0.0.1:$RPC_PORT
AKASH_LOCALNET_GRPC=http://127.0.0.1:$GRPC_PORT
AKASH_LOCALNET_REST=http://127.0.0.1:$REST_PORT
AKASH_LOCALNET_P2P=tcp://127.0.0.1:$P2P_PORT
AKASH_LOCALNET_GAS_PRICE=$MIN_GAS_PRICE
AKASH_LOCALNET_LOG=$LOG
AKASH_LOCALNET_BIN=$AKASH
AKASH_LOCALNET_NODE_HOME=$NODE_HOME
EOF
}

fail_with_log() {
  log "ERROR: $1"
  if [[ -f $LOG ]]; then
    log "last lines of the node log ($LOG):"
    tail -n 40 "$LOG" >&2
  fi
  log "node log: $LOG"
  exit 1
}

resolve_binary() {
  if [[ -n ${EDGE_AKASH_BIN:-} ]]; then
    [[ -x $EDGE_AKASH_BIN ]] || die "EDGE_AKASH_BIN=$EDGE_AKASH_BIN is not an executable"
    AKASH=$EDGE_AKASH_BIN
  else
    local rc=0
    AKASH=$("$HERE/build-akash.sh" ${AKASH_LOCALNET_VERSION:+"$AKASH_LOCALNET_VERSION"}) || rc=$?
    ((rc == 0)) || die "build-akash.sh failed (exit $rc)" "$rc"
  fi
}

# Every `akash` call names its home, keyring and chain explicitly.
ak() { "$AKASH" "$@" --home "$NODE_HOME"; }

init_chain() {
  rm -rf "$NODE_HOME"
  mkdir -p "$NODE_HOME"
  : >"$LOG"
  log "genesis: init (chain id $CHAIN_ID) in $NODE_HOME"
  # No --chain-id here: given one, `genesis init` first tries to download
  # github.com/akash-network/net/raw/main/<chain-id>/genesis.json and uses it if found. Without one
  # it only generates the defaults, and the chain id is set in genesis.json below.
  ak genesis init edge-localnet >>"$LOG" 2>&1 || fail_with_log "genesis init failed"

  local accounts name mnemonic address coins
  accounts=$(node -e '
    for (const a of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).accounts)
      console.log([a.name, a.address, a.genesisCoins].join(" "))' "$HERE/accounts.json")
  while read -r name address coins; do
    # The mnemonic goes to the key store through a pipe; it is never printed or logged.
    mnemonic=$(node -e '
      const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).accounts
      process.stdout.write(a.find((x) => x.name === process.argv[2]).mnemonic)' "$HERE/accounts.json" "$name")
    printf '%s\n' "$mnemonic" | ak keys add "$name" --recover --keyring-backend test --output json \
      >/dev/null 2>>"$LOG" || fail_with_log "keys add $name failed"
    local got
    got=$(ak keys show "$name" -a --keyring-backend test 2>>"$LOG")
    [[ $got == "$address" ]] || fail_with_log "key $name derives $got, accounts.json says $address"
    # add-account normalises every coin through the SDK's denom registry, where uakt and uact
    # have the same unit, so "1uact" would land as "1uakt": it gets the uakt part only, and the
    # other denoms are written into the bank genesis below.
    local uakt
    uakt=$(tr ',' '\n' <<<"$coins" | grep -E '^[0-9]+uakt$' || true)
    [[ -n $uakt ]] || fail_with_log "accounts.json gives $name no uakt"
    ak genesis add-account "$address" "$uakt" >>"$LOG" 2>&1 || fail_with_log "genesis add-account $name failed"
    log "genesis: $name $address $coins"
  done <<<"$accounts"

  # Short governance periods so a test can pass a proposal; small deposits in the bond denom.
  # Deployment and market minimum deposits stay at the node's defaults (mainnet's); the minimum
  # reclamation window is edge dev's 5s.
  local genesis=$NODE_HOME/config/genesis.json
  node -e '
    const fs = require("fs")
    const g = JSON.parse(fs.readFileSync(process.argv[1], "utf8"))
    g.chain_id = process.argv[3]
    const s = g.app_state
    if (s.staking.params.bond_denom !== "uakt") throw new Error("bond denom is " + s.staking.params.bond_denom)
    // Every genesis coin of accounts.json, exactly (uact included), and the supply to match.
    const accounts = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).accounts
    for (const a of accounts) {
      const coins = a.genesisCoins.split(",").map((c) => {
        const m = /^(\d+)([a-z][a-z0-9/]*)$/.exec(c)
        if (!m) throw new Error("bad coin " + c)
        return {denom: m[2], amount: m[1]}
      }).sort((x, y) => (x.denom < y.denom ? -1 : 1))
      const entry = s.bank.balances.find((b) => b.address === a.address)
      if (!entry) throw new Error("no genesis balance for " + a.name)
      entry.coins = coins
    }
    const supply = new Map()
    for (const b of s.bank.balances)
      for (const c of b.coins) supply.set(c.denom, (supply.get(c.denom) ?? 0n) + BigInt(c.amount))
    s.bank.supply = [...supply].sort(([x], [y]) => (x < y ? -1 : 1)).map(([denom, amount]) => ({denom, amount: String(amount)}))
    // The auditor is the oracle price source, so the suite can post an AKT price (MsgAddPriceEntry).
    const auditor = accounts.find((a) => a.name === "auditor")
    if (!s.oracle || !s.oracle.params) throw new Error("genesis has no oracle params")
    s.oracle.params.sources = [auditor.address]
    Object.assign(s.gov.params, {
      voting_period: "20s", expedited_voting_period: "10s", max_deposit_period: "20s",
      min_deposit: [{denom: "uakt", amount: "10000000"}],
      expedited_min_deposit: [{denom: "uakt", amount: "20000000"}],
    })
    // A minimum reclamation window of a few seconds, as edge dev has, so that a test can wait for
    // a reclamation deadline (mainnet: 1h).
    s.market.params.min_reclamation_window = "5s"
    fs.writeFileSync(process.argv[1], JSON.stringify(g, null, 1))' "$genesis" "$HERE/accounts.json" "$CHAIN_ID" >>"$LOG" 2>&1 ||
    fail_with_log "editing genesis failed"

  ak genesis gentx validator "$VALIDATOR_STAKE" --chain-id "$CHAIN_ID" --keyring-backend test \
    --min-self-delegation 1 >>"$LOG" 2>&1 || fail_with_log "genesis gentx failed"
  ak genesis collect >>"$LOG" 2>&1 || fail_with_log "genesis collect failed"
  ak genesis validate >>"$LOG" 2>&1 || fail_with_log "genesis validate failed"

  local cfg=$NODE_HOME/config/config.toml
  sed -i -E \
    -e "s/^timeout_commit = .*/timeout_commit = \"$BLOCK_TIME\"/" \
    -e 's/^timeout_propose = .*/timeout_propose = "1s"/' \
    "$cfg"
  grep -q "^timeout_commit = \"$BLOCK_TIME\"" "$cfg" || fail_with_log "could not set timeout_commit in $cfg"
}

cmd_start() {
  mkdir -p "$STATE"
  if pid=$(running_pid); then
    die "a localnet is already running in $STATE (pid $pid); run stop first"
  fi
  resolve_binary
  init_chain

  log "starting $AKASH (rpc $RPC_PORT, grpc $GRPC_PORT, rest $REST_PORT, p2p $P2P_PORT, blocks $BLOCK_TIME)"
  # setsid: the node gets its own process group, so `stop` ends it and nothing else.
  setsid "$AKASH" start --home "$NODE_HOME" \
    --pruning nothing \
    --minimum-gas-prices "$MIN_GAS_PRICE" \
    --rpc.laddr "tcp://127.0.0.1:$RPC_PORT" \
    --p2p.laddr "tcp://127.0.0.1:$P2P_PORT" \
    --p2p.pex=false \
    --p2p.seeds "" --p2p.persistent_peers "" \
    --rpc.pprof_laddr "" \
    --grpc.enable=true --grpc.address "127.0.0.1:$GRPC_PORT" \
    --api.enable=true --api.address "tcp://127.0.0.1:$REST_PORT" \
    </dev/null >>"$LOG" 2>&1 &
  local pid=$!
  echo "$pid" >"$PIDFILE"

  local deadline=$((SECONDS + WAIT_S)) height=0
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || fail_with_log "the node exited during start"
    height=$(rpc_height || echo 0)
    ((height >= 2)) && break
    sleep 0.5
  done
  if ((height < 2)); then
    kill -TERM "$pid" 2>/dev/null || true
    fail_with_log "no block 2 within ${WAIT_S}s"
  fi
  # REST and gRPC come up with the app; wait for them too so a caller can use all three at once.
  while ((SECONDS < deadline)); do
    curl -fsS --max-time 2 "http://127.0.0.1:$REST_PORT/cosmos/base/tendermint/v1beta1/node_info" >/dev/null 2>&1 && break
    sleep 0.5
  done
  ((SECONDS < deadline)) || { kill -TERM "$pid" 2>/dev/null; fail_with_log "REST did not answer within ${WAIT_S}s"; }

  print_env >"$ENVFILE"
  log "running: pid $pid, height $height, log $LOG"
  print_env
}

cmd_stop() {
  local purge=0
  [[ ${1:-} == --purge ]] && purge=1
  local pid
  if pid=$(running_pid); then
    log "stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    log "not running"
  fi
  rm -f "$PIDFILE"
  if ((purge)); then
    rm -rf "$STATE"
    log "removed $STATE"
  fi
}

# A running localnet may have been started with other ports than this shell's defaults.
load_ports() {
  [[ -f $ENVFILE ]] || return 0
  local url
  url=$(sed -n 's/^AKASH_LOCALNET_RPC=//p' "$ENVFILE")
  [[ -n $url ]] && RPC_PORT=${url##*:}
  return 0
}

cmd_status() {
  load_ports
  local pid
  if ! pid=$(running_pid); then
    log "not running ($STATE)"
    exit 3
  fi
  local height
  height=$(rpc_height) || { log "pid $pid is up but the RPC on $RPC_PORT does not answer as chain $CHAIN_ID"; exit 1; }
  log "running: pid $pid, height $height"
  [[ -f $ENVFILE ]] && cat "$ENVFILE"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) shift; cmd_stop "$@" ;;
  status) cmd_status ;;
  *) die "usage: localnet.sh start | stop [--purge] | status" 2 ;;
esac
