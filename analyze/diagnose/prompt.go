package diagnose

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genai"
)

// Prompt is what is sent for one app, in the three parts the SDK models:
// the system instruction, and one user turn made of the reference
// information and the query; plus the response schema.
type Prompt struct {
	System    string        // role and guardrails (GenerateContentConfig.SystemInstruction)
	Reference string        // compact, redacted JSON of the app
	Query     string        // what to answer
	Schema    *genai.Schema // GenerateContentConfig.ResponseSchema
	SHA256    string        // hex sha256 of Doc, the name it is stored under
	Doc       []byte        // the four parts above as one JSON document, as stored
	Findings  []string      // ids of the findings the reference holds
}

// promptDoc is a prompt as the audit store keeps it: the system
// instruction, the reference information, the query and the response
// schema, in this order, marshalled the same way on every machine.
type promptDoc struct {
	System    string        `json:"system_instruction"`
	Reference string        `json:"reference_information"` // the JSON exactly as sent
	Query     string        `json:"query"`
	Schema    *genai.Schema `json:"response_schema"`
}

// Prompt builds the prompt for c. It is pure: the same candidate and
// config give the same prompt, byte for byte (and so the same SHA256), on
// every run and machine.
func (d *Diagnoser) Prompt(c Candidate) (Prompt, error) {
	return d.promptWithin(c, d.cfg.MaxReferenceBytes)
}

// promptWithin builds the prompt with the reference bounded to limit bytes.
func (d *Diagnoser) promptWithin(c Candidate, limit int) (Prompt, error) {
	if c.App == nil {
		return Prompt{}, errors.New("build prompt: candidate has no app model")
	}
	cfg := d.cfg
	r := buildReference(c, d.rules.scrubber())
	ref, err := fit(r, limit)
	if err != nil {
		return Prompt{}, fmt.Errorf("build prompt for %s: %w", c.App.Row.AppID, err)
	}
	p := Prompt{
		System:    systemInstruction(c.App.Row.SparkVersion, d.bounds(c.App)),
		Reference: string(ref),
		Query:     query(cfg.MaxConfigs) + c.History.queryNote(),
		Schema:    responseSchema(cfg.MaxConfigs),
		Findings:  r.seenFindings(),
	}
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(promptDoc{p.System, p.Reference, p.Query, p.Schema}); err != nil {
		return Prompt{}, fmt.Errorf("build prompt for %s: %w", c.App.Row.AppID, err)
	}
	p.Doc = doc.Bytes()
	p.SHA256 = sha256Hex(p.Doc)
	return p, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// hashParts is the hex sha256 of model and the prompt, length-prefixed so
// no two different pairs share a hash input.
func hashParts(model string, p Prompt) string {
	h := sha256.New()
	for _, part := range []string{model, p.SHA256} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// estimateTokens is the local estimate: about four bytes per token.
func (p Prompt) estimateTokens() int64 {
	schema, _ := json.Marshal(p.Schema)
	return int64(len(p.System)+len(p.Reference)+len(p.Query)+len(schema)+3) / 4
}

func systemInstruction(sparkVersion, bounds string) string {
	v := sparkVersion
	if v == "" {
		v = "the version in the reference information"
	}
	rules := []string{
		"You are a senior Apache Spark performance engineer. You review one finished Spark application from metrics taken from its event log.",
		"Rules:",
		"1. Base every statement on the reference information only. Never propose a change that the evidence there does not support.",
		"2. Recommend only real Apache Spark configuration properties that exist in Spark " + v + ", with values in Spark's own syntax (sizes like 4g or 512m, durations like 120s or 5min, true/false). Never invent a property name.",
		`3. If the evidence does not show the cause, write "unknown" rather than guess, and set confidence to low.`,
		"4. Values shown as *********(redacted) and names shown as <path_N>, <table_N>, <host_N> or <email_N> are hidden on purpose. Never ask for them and never use them in a proposed value.",
		"5. You change nothing: your answer is advice for an engineer to review. No cluster or job is touched by it.",
		"6. Answer only with JSON that matches the response schema.",
	}
	if bounds != "" {
		rules = append(rules, "7. "+bounds)
	}
	return strings.Join(rules, "\n")
}

func query(maxConfigs int) string {
	return fmt.Sprintf(`Diagnose this Spark application from the reference information above.
1. bottleneck: name the main bottleneck in a few words (for example: shuffle skew, disk spill, GC pressure, executor loss, too few tasks, driver-bound time), or "unknown".
2. root_cause: the root cause, citing the numbers that show it.
3. rationale: how the evidence leads there, in a few sentences.
4. configs: at most %d Spark configuration changes, most important first. For each: key, current (its value in the conf section, or "" when it is not set), proposed, and reason. Propose none when the evidence supports none.
5. code_advice: code or query changes the evidence supports (for example: salt a skewed join key, repartition before a wide write, avoid collect on large results); an empty list if none.
6. confidence: low, medium or high.`, maxConfigs)
}

// responseSchema is the answer's shape, enforced by the API
// (ResponseMIMEType application/json + ResponseSchema) and checked again
// on arrival.
func responseSchema(maxConfigs int) *genai.Schema {
	str := func(desc string) *genai.Schema { return &genai.Schema{Type: genai.TypeString, Description: desc} }
	n, advice := int64(maxConfigs), int64(maxCodeAdvice)
	return &genai.Schema{
		Type: genai.TypeObject,
		Properties: map[string]*genai.Schema{
			"bottleneck": str(`the main bottleneck, or "unknown"`),
			"root_cause": str("the root cause, citing the evidence"),
			"rationale":  str("how the evidence leads to the root cause"),
			"confidence": {Type: genai.TypeString, Enum: []string{"low", "medium", "high"}},
			"configs": {
				Type:     genai.TypeArray,
				MaxItems: &n,
				Items: &genai.Schema{
					Type: genai.TypeObject,
					Properties: map[string]*genai.Schema{
						"key":      str("a real Spark configuration property"),
						"current":  str(`its current value, or "" when not set`),
						"proposed": str("the proposed value in Spark syntax"),
						"reason":   str("why, citing the evidence"),
					},
					Required:         []string{"key", "current", "proposed", "reason"},
					PropertyOrdering: []string{"key", "current", "proposed", "reason"},
				},
			},
			"code_advice": {Type: genai.TypeArray, MaxItems: &advice, Items: str("one code or query change")},
		},
		Required:         []string{"bottleneck", "root_cause", "rationale", "confidence", "configs", "code_advice"},
		PropertyOrdering: []string{"bottleneck", "root_cause", "rationale", "confidence", "configs", "code_advice"},
	}
}

// maxCodeAdvice bounds code_advice.
const maxCodeAdvice = 8
