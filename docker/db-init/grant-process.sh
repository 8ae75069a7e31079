# Sourced by the MySQL/MariaDB image at the database's first start (docker-entrypoint-initdb.d).
#
# The service reads InnoDB's lock-wait tables, which need the PROCESS privilege: while a batch of
# deadlines prepared ahead of its due time waits to commit, an event sent to one of its cases
# before the deadline makes it yield (docs/architecture.md, "How a deadline fires"). Without the
# privilege the service logs a warning and prepares nothing ahead.
docker_process_sql --database=mysql <<SQL
GRANT PROCESS ON *.* TO '${MYSQL_USER:-$MARIADB_USER}'@'%';
SQL
