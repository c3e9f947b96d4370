// Package scaletest runs the ORM on the scale-out topologies of
// scripts/cluster.sh: a PostgreSQL primary with two hot standbys, a MariaDB
// primary with a GTID replica, a three-node Galera cluster. It reads their
// addresses from the variables `scripts/cluster.sh env` prints; without
// them its tests skip, or fail when CI=true. Tests stop and restart nodes
// through the script, so they do not run in parallel.
//
// The tests build only with the scaleout tag, so that `go test
// ./integration/...` (the main suite, the Docker stage) leaves them to
// their own CI stage, which starts the topologies first:
//
//	scripts/cluster.sh up all && eval "$(scripts/cluster.sh env)"
//	go test -tags scaleout -count=1 ./integration/scaletest
//	scripts/cluster.sh down all
package scaletest
