#!/usr/bin/env bash
# Upload benchmark of SFTPFileTransfer against OpenSSH `sftp` (and blake2b against `b2sum`),
# on a throwaway sshd on 127.0.0.1. Prints ratios, never bare times. Not part of the test suite.
#
#   bench/sftp-upload.sh              # 256 MiB, 3 rounds
#   SIZE_MIB=1024 ROUNDS=5 bench/sftp-upload.sh
#
# Needs /usr/sbin/sshd, sftp, ssh-keygen and b2sum (Debian: openssh-server, openssh-client, coreutils).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p bench/tsconfig.json
exec node build/bench/bench/sftp-upload.js
