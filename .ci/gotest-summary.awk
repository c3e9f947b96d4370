# Summarises `go test -json` output (read from stdin or a file):
#
#   - the harness's own lines ("harness: ..." on a package's output: the
#     containers it started and removed), prefixed with the package;
#   - one line per package: ok / FAIL / no test files, with its time;
#   - the output of every failed test, and the reason of every skipped one;
#   - a closing line "LABEL: N passed, N failed, N skipped" (tests and
#     subtests), LABEL given with -v label=...
#
# Exits 1 when a test or package failed. Used by .ci/docker-stage.

# field NAME: the JSON string value of field NAME on this line ("" if none).
function field(name,    re, v) {
	re = "\"" name "\":\"([^\"\\\\]|\\\\.)*\""
	if (!match($0, re)) return ""
	v = substr($0, RSTART + length(name) + 4, RLENGTH - length(name) - 5)
	return unescape(v)
}

function unescape(s,    out, i, c, n, hex) {
	if (index(s, "\\") == 0) return s
	out = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c != "\\") { out = out c; continue }
		c = substr(s, ++i, 1)
		if (c == "n") out = out "\n"
		else if (c == "t") out = out "\t"
		else if (c == "r") out = out ""
		else if (c == "u") {
			hex = substr(s, i + 1, 4); i += 4
			if (hex == "003c") out = out "<"
			else if (hex == "003e") out = out ">"
			else if (hex == "0026") out = out "&"
			else if (hex == "0027") out = out "'"
			else if (hex == "001b") out = out ""
			else out = out "?"
		} else out = out c
	}
	return out
}

function elapsed(    v) {
	if (!match($0, /"Elapsed":[0-9.]+/)) return ""
	v = substr($0, RSTART + 10, RLENGTH - 10)
	return v "s"
}

function short(pkg) {
	sub(/^github\.com\/unitorm\/unitorm\//, "", pkg)
	return pkg
}

BEGIN { passed = 0; failed = 0; skipped = 0; pkgfail = 0; if (label == "") label = "go test" }

{
	action = field("Action")
	pkg = field("Package")
	test = field("Test")
	if (action == "build-output") { printf "%s", field("Output"); next }
	if (action == "build-fail") { print "BUILD FAIL " field("ImportPath"); pkgfail++; next }
	if (action == "output") {
		out = field("Output")
		if (out ~ /^harness: /) printf "  %-24s %s", short(pkg), out
		if (test == "") {
			pkgout[pkg] = pkgout[pkg] out
		} else {
			testout[pkg, test] = testout[pkg, test] out
		}
		next
	}
	if (test != "") {
		if (action == "pass") passed++
		else if (action == "fail") {
			failed++
			failures = failures "--- FAIL " short(pkg) " " test "\n" testout[pkg, test]
		} else if (action == "skip") {
			skipped++
			n = split(testout[pkg, test], lines, "\n")
			why = n >= 2 ? lines[n - 2] : ""
			sub(/^[ \t]+/, "", why)
			skips = skips "--- SKIP " short(pkg) " " test ": " why "\n"
		}
		next
	}
	if (action == "pass") printf "ok    %-34s %s\n", short(pkg), elapsed()
	else if (action == "skip") printf "-     %-34s [no test files]\n", short(pkg)
	else if (action == "fail") {
		pkgfail++
		printf "FAIL  %-34s %s\n", short(pkg), elapsed()
		failedpkgs = failedpkgs pkg " "
	}
}

END {
	if (skips != "") printf "\n%s", skips
	if (failures != "") printf "\n%s", failures
	if (failed == 0 && failedpkgs != "") {
		# A package failed outside any test (TestMain, a panic, a timeout).
		n = split(failedpkgs, ps, " ")
		for (i = 1; i <= n; i++) if (ps[i] != "") printf "\n--- package %s:\n%s", ps[i], pkgout[ps[i]]
	}
	printf "\n%s: %d passed, %d failed, %d skipped\n", label, passed, failed, skipped
	exit (failed > 0 || pkgfail > 0) ? 1 : 0
}
