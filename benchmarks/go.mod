module github.com/unitorm/unitorm/benchmarks

go 1.26.0
