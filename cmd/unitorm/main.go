// Command unitorm is the unitorm CLI without entities of its own: schema
// verbs need a program that registers entities (see package cli); the
// database, migration, generate-entities and debug verbs work as they are.
//
//	go install github.com/unitorm/unitorm/cmd/unitorm@latest
//	unitorm help
package main

import (
	"os"

	"github.com/unitorm/unitorm/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Config{}))
}
