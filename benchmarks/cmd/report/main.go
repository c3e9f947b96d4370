// Command report turns `go test -bench` output of the benchmarks module
// into benchmarks/RESULTS.md: per group a table of medians (ns/op, B/op,
// allocs/op over the -count runs) with the ratio to the hand-written
// baselines from the same run, and an SVG chart of every ratio table
// (RESULTS.svg next to the report; the MikroORM section's in mikroorm.svg).
//
//	go run ./cmd/report -env results/env.txt -mode full -o RESULTS.md results/*.txt
//	go run ./cmd/report -mikroorm results/mikroorm -section mikroorm -o section.md
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	envFile := flag.String("env", "", "file of \"key: value\" lines describing the machine and versions")
	mode := flag.String("mode", "full", "run mode named in the report")
	out := flag.String("o", "", "output file (default stdout; charts are written only with -o)")
	mikro := flag.String("mikroorm", "", "directory of the MikroORM run (bench.txt, env.txt); its section is added when bench.txt exists")
	section := flag.String("section", "", `"mikroorm": write only the MikroORM section`)
	flag.Parse()
	if err := run(*envFile, *mode, *out, *mikro, *section, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(envFile, mode, out, mikroDir, section string, inputs []string) error {
	if section != "" && section != "mikroorm" {
		return fmt.Errorf("unknown -section %q (want mikroorm)", section)
	}
	samples, err := readSamples(inputs)
	if err != nil {
		return err
	}
	var mikroSamples []sample
	var mikroEnv [][2]string
	if mikroDir != "" {
		if _, err := os.Stat(filepath.Join(mikroDir, "bench.txt")); err == nil {
			if mikroSamples, err = readSamples([]string{filepath.Join(mikroDir, "bench.txt")}); err != nil {
				return err
			}
			if mikroEnv, err = readEnv(filepath.Join(mikroDir, "env.txt")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		} else if section != "" {
			return fmt.Errorf("no MikroORM results in %s", mikroDir)
		}
	}
	if len(samples) == 0 && len(mikroSamples) == 0 {
		return errors.New("no benchmark results in the inputs")
	}
	var env [][2]string
	if envFile != "" {
		if env, err = readEnv(envFile); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	var charts []chart
	if section == "" {
		svgName := ""
		if out != "" {
			svgName = strings.TrimSuffix(filepath.Base(out), ".md") + ".svg"
		}
		charts = write(bw, mode, env, summarize(samples), svgName)
	}
	mikroChart := (*chart)(nil)
	if len(mikroSamples) > 0 {
		mikroChart = writeMikro(bw, mikroEnv, summarize(mikroSamples))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if out == "" {
		_, err := os.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	dir := filepath.Dir(out)
	if section == "" && len(charts) > 0 {
		if err := writeSVGFile(filepath.Join(dir, strings.TrimSuffix(filepath.Base(out), ".md")+".svg"), charts); err != nil {
			return err
		}
	}
	if mikroChart != nil {
		return writeSVGFile(filepath.Join(dir, mikroSVG), []chart{*mikroChart})
	}
	return nil
}

func readSamples(inputs []string) ([]sample, error) {
	var samples []sample
	for _, in := range inputs {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		s, err := parse(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in, err)
		}
		samples = append(samples, s...)
	}
	return samples, nil
}

func writeSVGFile(path string, charts []chart) error {
	var buf bytes.Buffer
	writeSVG(&buf, charts)
	return os.WriteFile(path, buf.Bytes(), 0o644)
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
