// Command report turns `go test -bench` output of the benchmarks module
// into benchmarks/RESULTS.md: per group a table of medians (ns/op, B/op,
// allocs/op over the -count runs) with the ratio to the hand-written pgx
// baseline from the same run.
//
//	go run ./cmd/report -env results/env.txt -mode full -o RESULTS.md results/*.txt
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	envFile := flag.String("env", "", "file of \"key: value\" lines describing the machine and versions")
	mode := flag.String("mode", "full", "run mode named in the report")
	out := flag.String("o", "", "output file (default stdout)")
	flag.Parse()
	if err := run(*envFile, *mode, *out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(envFile, mode, out string, inputs []string) error {
	if len(inputs) == 0 {
		return errors.New("no benchmark output files given")
	}
	var samples []sample
	for _, in := range inputs {
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		s, err := parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		samples = append(samples, s...)
	}
	if len(samples) == 0 {
		return errors.New("no benchmark results in the inputs")
	}
	var env [][2]string
	if envFile != "" {
		var err error
		if env, err = readEnv(envFile); err != nil {
			return err
		}
	}
	w := io.Writer(os.Stdout)
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	write(bw, mode, env, summarize(samples))
	return bw.Flush()
}

func readEnv(path string) ([][2]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var env [][2]string
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			env = append(env, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		}
	}
	return env, nil
}
