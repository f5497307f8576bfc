# Sourced by tests/run.sh and `make browser-test`: point the tests at the local PostgreSQL and
# MariaDB servers when they answer and no URL is set; otherwise their tests skip, said here.
BIN=${BIN:-.venv/bin}
answers() { "$BIN/python" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1" 2>/dev/null; }
if [ -z "${RUM_TEST_POSTGRESQL_URL:-}" ]; then
  if answers 5432; then export RUM_TEST_POSTGRESQL_URL="postgresql+psycopg2://postgres@127.0.0.1:5432/test"
  else echo "tests/servers.sh: PostgreSQL does not answer on 127.0.0.1:5432; its tests will skip" >&2; fi
fi
if [ -z "${RUM_TEST_MARIADB_URL:-}" ]; then
  if answers 3306; then export RUM_TEST_MARIADB_URL="mysql+pymysql://root@127.0.0.1:3306/test"
  else echo "tests/servers.sh: MariaDB does not answer on 127.0.0.1:3306; its tests will skip" >&2; fi
fi
