#!/usr/bin/env bash
# Make test-node containers reachable over real SSH, the way production hosts are:
#   - a non-root deploy user with key-based login and password-less sudo;
#   - per-node host keys (generated here, never baked into the image), pinned in DIR/known_hosts;
#   - no TCP at all: the controller's ssh runs `sshd -i` (inetd mode) inside the node through `docker exec`
#     (ProxyCommand), so the SSH protocol runs end to end while every node keeps network `none`.
# Writes DIR/id_ed25519 (client key, made once), DIR/known_hosts, DIR/ssh_config (Host entries for the nodes) and
# DIR/home/.ssh/known_hosts (for paramiko, which reads ~/.ssh/known_hosts: run it with HOME=DIR/home).
# Usage: tests/ssh/setup_nodes.sh DIR CONTAINER...      (idempotent; env AURIGRAPH_SSH_USER, default deploy)
set -euo pipefail
dir="${1:?usage: setup_nodes.sh DIR CONTAINER...}"; shift
[ "$#" -gt 0 ] || { echo "setup_nodes.sh: no container named" >&2; exit 2; }
user="${AURIGRAPH_SSH_USER:-deploy}"
mkdir -p "$dir/home/.ssh"
chmod 0700 "$dir" "$dir/home" "$dir/home/.ssh"
[ -s "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "aurigraph-test-controller" -f "$dir/id_ed25519"
pub="$(cat "$dir/id_ed25519.pub")"

for node in "$@"; do
  docker exec -i -e SSH_USER="$user" -e SSH_PUB="$pub" "$node" bash -euo pipefail -s <<'NODE'
ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -A >/dev/null
mkdir -p /run/sshd
grep -qw "$(hostname)" /etc/hosts || echo "127.0.1.1 $(hostname)" >>/etc/hosts   # sudo resolves its host name
id "$SSH_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$SSH_USER"
home="$(getent passwd "$SSH_USER" | cut -d: -f6)"
install -d -m 0700 -o "$SSH_USER" -g "$SSH_USER" "$home/.ssh"
printf '%s\n' "$SSH_PUB" >"$home/.ssh/authorized_keys"
chown "$SSH_USER:$SSH_USER" "$home/.ssh/authorized_keys"
chmod 0600 "$home/.ssh/authorized_keys"
printf '%s ALL=(ALL) NOPASSWD: ALL\n' "$SSH_USER" >/etc/sudoers.d/90-deploy
chmod 0440 /etc/sudoers.d/90-deploy
NODE
done

# Pin every node's host keys, read through the trusted side channel (docker exec), never learned on first use.
: >"$dir/known_hosts.new"
for node in "$@"; do
  docker exec "$node" sh -c 'cat /etc/ssh/ssh_host_*_key.pub' | awk -v h="$node" '{print h, $1, $2}' >>"$dir/known_hosts.new"
done
if [ -s "$dir/known_hosts" ]; then
  grep -v -F -f <(printf '%s \n' "$@") "$dir/known_hosts" >>"$dir/known_hosts.new" || true
fi
mv "$dir/known_hosts.new" "$dir/known_hosts"
cp "$dir/known_hosts" "$dir/home/.ssh/known_hosts"

{
  echo "# Written by tests/ssh/setup_nodes.sh: SSH to test nodes through docker exec (no TCP, no network)."
  for node in "$@"; do
    cat <<CFG
Host $node
  User $user
  IdentityFile $dir/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  StrictHostKeyChecking yes
  ProxyCommand docker exec -i %h /usr/sbin/sshd -i
CFG
  done
} >"$dir/ssh_config.new"
if [ -s "$dir/ssh_config" ]; then
  # keep entries of other nodes set up earlier into the same DIR
  awk -v names=" $* " 'BEGIN{keep=1} /^Host /{keep = index(names, " " $2 " ") == 0} /^#/{next} keep' \
    "$dir/ssh_config" >>"$dir/ssh_config.new"
fi
mv "$dir/ssh_config.new" "$dir/ssh_config"
chmod 0600 "$dir/ssh_config" "$dir/known_hosts"
