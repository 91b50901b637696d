package diagnose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/redact"
)

// answer is the JSON the response schema asks for.
type answer struct {
	Bottleneck string         `json:"bottleneck"`
	RootCause  string         `json:"root_cause"`
	Rationale  string         `json:"rationale"`
	Confidence string         `json:"confidence"`
	Configs    []answerConfig `json:"configs"`
	CodeAdvice []string       `json:"code_advice"`
}

type answerConfig struct {
	Key      string `json:"key"`
	Current  string `json:"current"`
	Proposed string `json:"proposed"`
	Reason   string `json:"reason"`
}

var (
	answerFields = []string{"bottleneck", "root_cause", "rationale", "confidence", "configs", "code_advice"}
	configFields = []string{"key", "current", "proposed", "reason"}
)

// maxAnswerText bounds each text field kept from an answer.
const maxAnswerText = 4000

// parseAnswer decodes text strictly: valid JSON, exactly the schema's
// fields, each of its type and present, confidence one of three, lists
// within their bounds. Any violation rejects the whole answer.
func parseAnswer(text string, maxConfigs int) (answer, error) {
	var a answer
	text = strings.TrimSpace(text)
	if text == "" {
		return a, errors.New("empty answer")
	}
	if err := requireFields([]byte(text), answerFields); err != nil {
		return a, err
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("answer does not match the schema: %w", err)
	}
	if dec.More() {
		return a, errors.New("answer has data after the JSON object")
	}
	var raw struct{ Configs []json.RawMessage }
	_ = json.Unmarshal([]byte(text), &raw) // decoded once already
	for i, c := range raw.Configs {
		if err := requireFields(c, configFields); err != nil {
			return a, fmt.Errorf("configs[%d]: %w", i, err)
		}
	}
	return a, checkAnswer(&a, maxConfigs)
}

// requireFields checks that obj is a JSON object holding every field, none
// of them null.
func requireFields(obj []byte, fields []string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return fmt.Errorf("answer is not a JSON object: %w", err)
	}
	for _, f := range fields {
		v, ok := m[f]
		if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return fmt.Errorf("answer lacks required field %q", f)
		}
	}
	return nil
}

func checkAnswer(a *answer, maxConfigs int) error {
	a.Confidence = strings.ToLower(strings.TrimSpace(a.Confidence))
	switch a.Confidence {
	case "low", "medium", "high":
	default:
		return fmt.Errorf("confidence %q: want low, medium or high", cut(a.Confidence, 40))
	}
	if strings.TrimSpace(a.Bottleneck) == "" || strings.TrimSpace(a.RootCause) == "" {
		return errors.New("answer has an empty bottleneck or root_cause")
	}
	if len(a.Configs) > maxConfigs {
		return fmt.Errorf("answer has %d configs, the schema allows %d", len(a.Configs), maxConfigs)
	}
	if len(a.CodeAdvice) > maxCodeAdvice {
		return fmt.Errorf("answer has %d code_advice items, the schema allows %d", len(a.CodeAdvice), maxCodeAdvice)
	}
	for i, c := range a.Configs {
		if strings.TrimSpace(c.Key) == "" {
			return fmt.Errorf("configs[%d] has an empty key", i)
		}
	}
	return nil
}

// fill copies a well-formed answer into row, checking each config change
// against the catalogue: an unknown key, a value of the wrong type, or a
// change that together with the others does not fit the app's containers
// (catalog.View.Fit under lim) is kept with Valid false, its WhyNot, and
// its key listed in RejectedKeys. Current is taken from the app's own
// (redacted) conf, not from the answer.
func fill(row *analyze.DiagnosisRow, a answer, app *extract.App, red *redact.Redactor, lim catalog.Limits) {
	conf, view := app.Conf, catalog.For(app.Row.SparkVersion, app.Conf).Within(lim)
	row.Bottleneck = cut(a.Bottleneck, maxAnswerText)
	row.RootCause = cut(a.RootCause, maxAnswerText)
	row.Rationale = cut(a.Rationale, maxAnswerText)
	row.Confidence = a.Confidence
	row.CodeAdvice = make([]string, 0, len(a.CodeAdvice))
	for _, s := range a.CodeAdvice {
		row.CodeAdvice = append(row.CodeAdvice, cut(s, maxAnswerText))
	}
	row.Configs = make([]analyze.ConfigAdvice, 0, len(a.Configs))
	seen := map[string]bool{}
	for _, c := range a.Configs {
		key := strings.TrimSpace(c.Key)
		adv := analyze.ConfigAdvice{Key: cut(key, 200), Proposed: cut(strings.TrimSpace(c.Proposed), 1000),
			Reason: cut(c.Reason, maxAnswerText)}
		if v, ok := conf[key]; ok {
			adv.Current = red.Value(key, v)
		}
		err := checkConfig(view, key, adv.Proposed)
		if err == nil && seen[key] {
			err = fmt.Errorf("%s is proposed twice", key)
		}
		adv.Valid, seen[key] = err == nil, true
		if !adv.Valid {
			adv.WhyNot = cut(err.Error(), 500)
		}
		row.Configs = append(row.Configs, adv)
	}
	fitTogether(view, row.Configs)
	row.RejectedKeys = []string{}
	for _, c := range row.Configs {
		if !c.Valid {
			row.RejectedKeys = append(row.RejectedKeys, c.Key)
		}
	}
}

// fitTogether rejects the valid changes that, applied together, do not
// fit the app's containers or cores.
func fitTogether(view catalog.View, cs []analyze.ConfigAdvice) {
	valid := map[string]string{}
	for _, c := range cs {
		if c.Valid {
			valid[c.Key] = c.Proposed
		}
	}
	whyNot := view.Fit(valid)
	for i := range cs {
		if why, ok := whyNot[cs[i].Key]; ok && cs[i].Valid {
			if !strings.HasPrefix(why, cs[i].Key+" ") {
				why = cs[i].Key + ": " + why
			}
			cs[i].Valid, cs[i].WhyNot = false, cut(why, 500)
		}
	}
}

// checkConfig reports why a proposed change cannot be used in the app
// view sees, or nil: the key must exist in the app's Spark version (or a
// plugin it configures), the value must not use a hidden name, and it must
// pass the property's type, range and semantic checks.
func checkConfig(view catalog.View, key, value string) error {
	for _, hidden := range []string{redact.Redacted, "<path_", "<table_", "<host_", "<email_"} {
		if strings.Contains(value, hidden) {
			return fmt.Errorf("%s: the value uses a redacted name", key)
		}
	}
	return view.Check(key, value)
}

// limits are what proposals for app must fit: the node of the cost
// config's instance type, else the configured container ceiling, and the
// largest storage memory an executor of the app reported (its container
// was at least that).
func (d *Diagnoser) limits(app *extract.App) catalog.Limits {
	ceiling, _ := d.cfg.maxContainerMiB() // validated in New
	l := catalog.Limits{NodeMiB: d.deps.NodeMiB, NodeCores: d.deps.NodeCores, CeilingMiB: ceiling}
	for _, e := range app.Executors {
		l.SeenMiB = max(l.SeenMiB, e.MaxMemory>>20)
	}
	return l
}

// bounds is the rule that states what a proposal must fit (catalog
// View.Fit under d.limits), "" when nothing bounds it.
func (d *Diagnoser) bounds(app *extract.App) string {
	lim := d.limits(app)
	view := catalog.For(app.Row.SparkVersion, app.Conf).Within(lim)
	var parts []string
	if n := view.MaxContainerMiB(); n > 0 {
		parts = append(parts, "an executor's container (heap + memory overhead + off-heap + PySpark memory) of at most "+catalog.FormatMiB(n))
	}
	if lim.NodeCores > 0 {
		parts = append(parts, fmt.Sprintf("spark.executor.cores of at most %d", lim.NodeCores))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Proposed settings must fit where the app runs: " + strings.Join(parts, " and ") + "; changes that do not fit are rejected."
}
