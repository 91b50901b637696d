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
// against the catalogue: an unknown key or a value of the wrong type is
// kept with Valid false and its key listed in RejectedKeys. Current is
// taken from the app's own (redacted) conf, not from the answer.
func fill(row *analyze.DiagnosisRow, a answer, app *extract.App, red *redact.Redactor) {
	conf, view := app.Conf, catalog.For(app.Row.SparkVersion, app.Conf)
	row.Bottleneck = cut(a.Bottleneck, maxAnswerText)
	row.RootCause = cut(a.RootCause, maxAnswerText)
	row.Rationale = cut(a.Rationale, maxAnswerText)
	row.Confidence = a.Confidence
	row.CodeAdvice = make([]string, 0, len(a.CodeAdvice))
	for _, s := range a.CodeAdvice {
		row.CodeAdvice = append(row.CodeAdvice, cut(s, maxAnswerText))
	}
	row.Configs = make([]analyze.ConfigAdvice, 0, len(a.Configs))
	row.RejectedKeys = []string{}
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
			row.RejectedKeys = append(row.RejectedKeys, adv.Key)
		}
		row.Configs = append(row.Configs, adv)
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
