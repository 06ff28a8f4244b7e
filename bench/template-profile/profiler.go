// Copied next to Helm's pkg/engine by bench/template-profile.bench.ts (package engine): the time each
// `include`d template and each chart file takes, inclusive and exclusive of the includes it makes.
package engine

import "time"

type profFrame struct {
	name  string
	start time.Time
	child time.Duration
}

type profiler struct {
	stack       []profFrame
	Incl, Excl  map[string]time.Duration
	Calls       map[string]int
}

// Prof collects over every Render of the process.
var Prof = &profiler{Incl: map[string]time.Duration{}, Excl: map[string]time.Duration{}, Calls: map[string]int{}}

func (p *profiler) Push(name string) { p.stack = append(p.stack, profFrame{name: name, start: time.Now()}) }

func (p *profiler) Pop() {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	d := time.Since(f.start)
	p.Incl[f.name] += d
	p.Excl[f.name] += d - f.child
	p.Calls[f.name]++
	if len(p.stack) > 0 {
		p.stack[len(p.stack)-1].child += d
	}
}
