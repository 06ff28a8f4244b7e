// The driver of bench/template-profile.bench.ts: loads a chart and values as `helm template` does, renders
// them N times with Helm's own engine (patched only to time includes, parses and files) and prints where the
// time goes, schema validation left out (bench/instructions.bench.ts counts it).
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"harness/engine"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: profile CHART RUNS TOP [VALUES...]")
		os.Exit(2)
	}
	chrt, err := loader.Load(os.Args[1])
	check(err)
	runs, err := strconv.Atoi(os.Args[2])
	check(err)
	top, err := strconv.Atoi(os.Args[3])
	check(err)
	vals, err := (&values.Options{ValueFiles: os.Args[4:]}).MergeValues(getter.Providers{})
	check(err)
	var total time.Duration
	for i := 0; i < runs; i++ {
		rv, err := util.ToRenderValues(chrt, vals, common.ReleaseOptions{Name: "retool", Namespace: "default", IsInstall: true}, common.DefaultCapabilities)
		check(err)
		start := time.Now()
		_, err = engine.Engine{}.Render(chrt, rv)
		check(err)
		total += time.Since(start)
	}
	type row struct {
		name       string
		incl, excl time.Duration
		calls      int
	}
	var rows []row
	for name, incl := range engine.Prof.Incl {
		rows = append(rows, row{name, incl, engine.Prof.Excl[name], engine.Prof.Calls[name]})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].excl > rows[j].excl || (rows[i].excl == rows[j].excl && rows[i].name < rows[j].name) })
	ms := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 / float64(runs) }
	var parse time.Duration
	for _, r := range rows {
		if strings.HasPrefix(r.name, "PARSE ") {
			parse += r.incl
		}
	}
	fmt.Printf("render %.2f ms per run (parsing every file %.2f ms), %d runs\n", ms(total), ms(parse), runs)
	fmt.Printf("%-60s %9s %9s %8s\n", "template (PARSE = all files, FILE = a chart file's own text)", "own ms", "incl ms", "calls")
	for i, r := range rows {
		if i >= top {
			break
		}
		fmt.Printf("%-60s %9.3f %9.3f %8.1f\n", r.name, ms(r.excl), ms(r.incl), float64(r.calls)/float64(runs))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
