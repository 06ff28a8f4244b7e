// Compares the chart schema's patterns (Go RE2, as Helm reads them) with k8s.io/apimachinery's validators.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

type def struct {
	Pattern   string `json:"pattern"`
	MaxLength *int   `json:"maxLength"`
	MinLength *int   `json:"minLength"`
	Not       *struct {
		Pattern string `json:"pattern"`
	} `json:"not"`
	AllOf []struct {
		Pattern string `json:"pattern"`
		Not     *struct {
			Pattern string `json:"pattern"`
		} `json:"not"`
	} `json:"allOf"`
}

func matches(d def, v string) bool {
	n := utf8.RuneCountInString(v)
	if d.MaxLength != nil && n > *d.MaxLength {
		return false
	}
	if d.MinLength != nil && n < *d.MinLength {
		return false
	}
	if d.Pattern != "" && !regexp.MustCompile(d.Pattern).MatchString(v) {
		return false
	}
	if d.Not != nil && regexp.MustCompile(d.Not.Pattern).MatchString(v) {
		return false
	}
	for _, a := range d.AllOf {
		if a.Pattern != "" && !regexp.MustCompile(a.Pattern).MatchString(v) {
			return false
		}
		if a.Not != nil && regexp.MustCompile(a.Not.Pattern).MatchString(v) {
			return false
		}
	}
	return true
}

func main() {
	raw, _ := os.ReadFile(os.Args[1])
	var schema struct {
		Definitions map[string]def `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		panic(err)
	}
	corpus, _ := os.ReadFile(os.Args[2])
	var samples []string
	json.Unmarshal(corpus, &samples)
	ok := func(errs []string) bool { return len(errs) == 0 }
	oracles := map[string]func(string) bool{
		"DnsLabel":       func(v string) bool { return ok(validation.IsDNS1123Label(v)) },
		"ResourceName":   func(v string) bool { return ok(validation.IsDNS1123Subdomain(v)) },
		"QualifiedName":  func(v string) bool { return ok(content.IsQualifiedName(v)) },
		"AnnotationKey":  func(v string) bool { return ok(content.IsQualifiedName(strings.ToLower(v))) },
		"LabelValue":     func(v string) bool { return ok(content.IsLabelValue(v)) },
		"PortName":       func(v string) bool { return ok(validation.IsValidPortName(v)) },
		"DataKey":        func(v string) bool { return ok(validation.IsConfigMapKey(v)) && !strings.Contains(v, "..") },
		"CIDR":           func(v string) bool { return len(validation.IsValidCIDRForLegacyField(field.NewPath("x"), v, true, nil)) == 0 || hostBitsOnly(v) },
		"EnvName":        func(v string) bool { return ok(validation.IsEnvVarName(v)) },
	}
	bad := 0
	verdicts := map[string][]bool{}
	defer func() { out, _ := json.Marshal(verdicts); os.WriteFile("go-verdicts.json", out, 0o644) }()
	for name, oracle := range oracles {
		d, found := schema.Definitions[name]
		if !found {
			fmt.Println("missing definition", name)
			bad++
			continue
		}
		agree, stricter := 0, 0
		for _, v := range samples {
			ours, theirs := matches(d, v), oracle(v)
			verdicts[name] = append(verdicts[name], ours)
			if ours == theirs {
				agree++
			} else if !ours && theirs {
				stricter++
				if name != "EnvName" {
					fmt.Printf("  %s: schema refuses %q, Kubernetes accepts\n", name, v)
				}
			} else {
				bad++
				fmt.Printf("  %s: schema ACCEPTS %q, Kubernetes refuses\n", name, v)
			}
		}
		fmt.Printf("%-14s %d samples: %d agree, %d refused by the schema only\n", name, len(samples), agree, stricter)
	}
	if bad > 0 {
		out, _ := json.Marshal(verdicts)
		os.WriteFile("go-verdicts.json", out, 0o644)
		os.Exit(1)
	}
}

// hostBitsOnly: Kubernetes' strict check refuses only because of bits beyond the prefix (a warning unless StrictIPCIDRValidation).
func hostBitsOnly(v string) bool {
	errs := validation.IsValidCIDRForLegacyField(field.NewPath("x"), v, true, nil)
	return len(errs) == 1 && strings.Contains(errs[0].Detail, "bits set beyond")
}
