#!/usr/bin/env bash
# Builds and installs pgvector for the local PostgreSQL when it is missing.
# Debian 12 has no postgresql-15-pgvector; trixie's source package builds against PG 15.
set -euo pipefail
PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
if [ -f "/usr/share/postgresql/$PGVER/extension/vector.control" ]; then
  echo "pgvector already installed for PostgreSQL $PGVER"; exit 0
fi
mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 | awk '{print $2}')
mirror=${mirror:-http://deb.debian.org/debian}
echo "deb-src $mirror trixie main" > /etc/apt/sources.list.d/sopilot-trixie-src.list
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-$PGVER" build-essential dpkg-dev >/dev/null
work=$(mktemp -d)
( cd "$work" && apt-get source -qq pgvector >/dev/null 2>&1 && cd pgvector-*/ && make -s PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config" && make -s install PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config" )
rm -rf "$work"
echo "pgvector installed for PostgreSQL $PGVER"
