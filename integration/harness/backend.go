package harness

// Backend names a database unitorm runs on. For the SQL backends it is also
// the driver name given to sqldb.Open.
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
	MySQL    Backend = "mysql"
	MariaDB  Backend = "mariadb"
	Mongo    Backend = "mongo"
)

// Environment variables read by the harness.
const (
	// EnvPostgresDSN is a PostgreSQL URL or keyword/value DSN for pgx,
	// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
	EnvPostgresDSN = "UNITORM_PG_DSN"
	// EnvMySQLDSN is a go-sql-driver/mysql DSN, e.g. root@tcp(127.0.0.1:3306)/test.
	EnvMySQLDSN = "UNITORM_MYSQL_DSN"
	// EnvMariaDBDSN is a go-sql-driver/mysql DSN for a MariaDB server.
	EnvMariaDBDSN = "UNITORM_MARIADB_DSN"
	// EnvMongoURI is a MongoDB connection string, e.g. mongodb://127.0.0.1:27017/?replicaSet=rs0.
	EnvMongoURI = "UNITORM_MONGO_URI"
	// EnvRequire is "all" or a comma-separated list of backends that must be
	// available: a test needing one that is not fails instead of skipping.
	EnvRequire = "UNITORM_REQUIRE"
	// EnvDocker set to "0" (or "false", "no", "off") disables the Docker attempt.
	EnvDocker = "UNITORM_DOCKER"
	// EnvDockerExpire is how long a container may outlive a test binary that
	// was killed before removing it: a Go duration ("20m") or seconds. The
	// default is the binary's -test.timeout plus five minutes.
	EnvDockerExpire = "UNITORM_DOCKER_EXPIRE"

	// EnvPostgresImage is the Docker image for PostgreSQL, repository[:tag]
	// (default postgres:15). It must take the official image's environment
	// (POSTGRES_HOST_AUTH_METHOD, POSTGRES_DB).
	EnvPostgresImage = "UNITORM_PG_IMAGE"
	// EnvMySQLImage is the Docker image for MySQL (default mysql:8); it must
	// take MYSQL_ALLOW_EMPTY_PASSWORD and MYSQL_DATABASE.
	EnvMySQLImage = "UNITORM_MYSQL_IMAGE"
	// EnvMariaDBImage is the Docker image for MariaDB (default mariadb:10.11);
	// it must take MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_DATABASE.
	EnvMariaDBImage = "UNITORM_MARIADB_IMAGE"
	// EnvMongoImage is the Docker image for MongoDB (default mongo:7, run as
	// the single-member replica set rs0); it must take mongod's arguments
	// --replSet rs0 --bind_ip_all.
	EnvMongoImage = "UNITORM_MONGO_IMAGE"
)

var allBackends = []Backend{SQLite, Postgres, MySQL, MariaDB, Mongo}

var sqlBackends = []Backend{SQLite, Postgres, MySQL, MariaDB}

// Backends returns every backend, SQL ones first.
func Backends() []Backend { return append([]Backend(nil), allBackends...) }

// SQLBackends returns the SQL backends: sqlite, postgres, mysql, mariadb.
func SQLBackends() []Backend { return append([]Backend(nil), sqlBackends...) }

// IsSQL reports whether b is one of the SQL backends.
func (b Backend) IsSQL() bool { return b != Mongo && b.Valid() }

// Valid reports whether b is a backend the harness knows.
func (b Backend) Valid() bool {
	for _, k := range allBackends {
		if b == k {
			return true
		}
	}
	return false
}

// Driver is the driver name to give sqldb.Open ("" for Mongo).
func (b Backend) Driver() string {
	if b.IsSQL() {
		return string(b)
	}
	return ""
}

// EnvVar is the environment variable that names a server for b ("" for SQLite).
func (b Backend) EnvVar() string {
	switch b {
	case Postgres:
		return EnvPostgresDSN
	case MySQL:
		return EnvMySQLDSN
	case MariaDB:
		return EnvMariaDBDSN
	case Mongo:
		return EnvMongoURI
	}
	return ""
}

// ImageEnvVar is the environment variable that names b's Docker image (""
// for SQLite).
func (b Backend) ImageEnvVar() string {
	switch b {
	case Postgres:
		return EnvPostgresImage
	case MySQL:
		return EnvMySQLImage
	case MariaDB:
		return EnvMariaDBImage
	case Mongo:
		return EnvMongoImage
	}
	return ""
}

// exampleDSN is shown in skip messages.
func (b Backend) exampleDSN() string {
	switch b {
	case Postgres:
		return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	case MySQL, MariaDB:
		return "root@tcp(127.0.0.1:3306)/test"
	case Mongo:
		return "mongodb://127.0.0.1:27017/?replicaSet=rs0"
	}
	return ""
}

// hasContainer reports whether the harness knows a Docker image for b.
func (b Backend) hasContainer() bool {
	switch b {
	case Postgres, MySQL, MariaDB, Mongo:
		return true
	}
	return false
}
