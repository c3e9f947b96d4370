package mysql

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"
)

// Several nodes in one DSN (a Galera cluster, a primary and its standby):
//
//	root@tcp(10.0.0.1:3306,10.0.0.2:3306,10.0.0.3:3306)/app
//
// Each new connection goes to the node that answered last, and when it
// does not answer, to the next ones in order: when a node goes away, its
// pooled connections fail (a statement outside a transaction is retried
// on a fresh connection, a transaction is lost and retryable) and the new
// ones go to a live node.

// nodeDialTimeout bounds the attempt on one node (the DSN's timeout
// parameter, when set, bounds each attempt instead).
const nodeDialTimeout = 2 * time.Second

// splitNodes returns dsn with only the first address of a tcp(...) list of
// several, and the list (nil when there is one address).
func splitNodes(dsn string) (string, []string) {
	// As go-sql-driver/mysql reads a DSN: the database follows the last
	// '/', the address the last '@' before it (a password may hold both).
	slash := strings.LastIndexByte(dsn, '/')
	if slash < 0 {
		return dsn, nil
	}
	at := strings.LastIndexByte(dsn[:slash], '@') + 1
	addr := dsn[at:slash]
	if !strings.HasPrefix(addr, "tcp(") || !strings.HasSuffix(addr, ")") {
		return dsn, nil
	}
	list := addr[len("tcp(") : len(addr)-1]
	if !strings.Contains(list, ",") {
		return dsn, nil
	}
	var nodes []string
	for _, a := range strings.Split(list, ",") {
		if a = strings.TrimSpace(a); a != "" {
			nodes = append(nodes, a)
		}
	}
	if len(nodes) == 0 {
		return dsn, nil
	}
	return dsn[:at] + "tcp(" + nodes[0] + ")" + dsn[slash:], nodes
}

// nodeDialer dials the nodes in turn, starting at the last one that
// answered.
type nodeDialer struct {
	nodes   []string
	timeout time.Duration
	last    atomic.Int32
}

func (d *nodeDialer) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	var errs []error
	start := int(d.last.Load())
	for k := range d.nodes {
		i := (start + k) % len(d.nodes)
		addr := d.nodes[i]
		if !strings.Contains(addr, ":") {
			addr = net.JoinHostPort(addr, "3306")
		}
		dctx, cancel := context.WithTimeout(ctx, d.timeout)
		c, err := (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext(dctx, network, addr)
		cancel()
		if err == nil {
			d.last.Store(int32(i))
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("no node answers: %w", errors.Join(errs...))}
}
