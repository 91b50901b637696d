package diagnose

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sparkmine/sparkmine/analyze"
)

// ShowChain writes, for each of an app's diagnoses rows, the audit chain:
// the findings the model saw → the stored prompt (its SHA-256 checked
// against the row) → the stored raw response → the accepted and rejected
// config changes. audit is the store the prompts and responses were kept
// in. It reports an error only when w or audit fails; a missing or
// altered file is written as such.
func ShowChain(ctx context.Context, w io.Writer, rows []analyze.DiagnosisRow, findings []analyze.FindingRow, audit Blobs) error {
	byID := map[string]analyze.FindingRow{}
	for _, f := range findings {
		byID[analyze.FindingID(f)] = f
	}
	for i, r := range rows {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := showRow(ctx, w, r, byID, audit); err != nil {
			return err
		}
	}
	return nil
}

func showRow(ctx context.Context, w io.Writer, r analyze.DiagnosisRow, byID map[string]analyze.FindingRow, audit Blobs) error {
	fmt.Fprintf(w, "diagnosis of %s attempt %s in run %s: %s%s\n", r.AppID, r.AttemptID, r.RunID, r.Status, cachedMark(r))
	fmt.Fprintf(w, "  model %s (API version %q), sparkmine %s, config sha256 %s\n",
		r.Model, r.ModelVersion, r.SparkmineVersion, r.ConfigSHA256)
	fmt.Fprintf(w, "  findings seen (%d):\n", len(r.FindingIDs))
	for _, id := range r.FindingIDs {
		if f, ok := byID[id]; ok {
			fmt.Fprintf(w, "    %s %s %s%s: %s\n", id, f.Severity, f.Detector, stageOfFinding(f), f.Title)
		} else {
			fmt.Fprintf(w, "    %s (not in the findings table)\n", id)
		}
	}
	if err := showBlob(ctx, w, "prompt", PromptName(r.PromptSHA256), r.PromptSHA256, audit); err != nil {
		return err
	}
	if r.Status == StatusDryRun {
		fmt.Fprintln(w, "  response: none (dry run: nothing was sent)")
	} else if r.ResponseSHA256 == "" {
		fmt.Fprintf(w, "  response: none stored (%s)\n", orNone(r.Error))
	} else if err := showBlob(ctx, w, "response", ResponseName(r.PromptSHA256, r.ResponseSHA256), r.ResponseSHA256, audit); err != nil {
		return err
	}
	fmt.Fprintf(w, "  response id %q, finish reason %q, safety %s, tokens in %d out %d, cost $%.6f\n",
		r.ResponseID, r.FinishReason, strings.Join(r.SafetyRatings, ","), r.InputTokens, r.OutputTokens, r.CostUSD)
	if r.Status == StatusOK {
		fmt.Fprintf(w, "  answer: bottleneck %q; root cause %q\n", r.Bottleneck, r.RootCause)
	}
	for _, c := range r.Configs {
		if c.Valid {
			fmt.Fprintf(w, "  accepted %s = %s (current %q): %s\n", c.Key, c.Proposed, c.Current, c.Reason)
		} else {
			fmt.Fprintf(w, "  rejected %s = %s: %s\n", c.Key, c.Proposed, orNone(c.WhyNot))
		}
	}
	return nil
}

// showBlob writes whether the blob name is stored and matches its
// SHA-256, and for a response its finish reason as stored.
func showBlob(ctx context.Context, w io.Writer, what, name, sha string, audit Blobs) error {
	if sha == "" {
		_, err := fmt.Fprintf(w, "  %s: none\n", what)
		return err
	}
	b, ok, err := audit.Get(ctx, name)
	if err != nil {
		return fmt.Errorf("read %s %s: %w", what, name, err)
	}
	switch {
	case !ok:
		fmt.Fprintf(w, "  %s %s: MISSING from the audit store\n", what, name)
	case sha256Hex(b) != sha:
		fmt.Fprintf(w, "  %s %s: ALTERED (its SHA-256 is %s)\n", what, name, sha256Hex(b))
	default:
		fmt.Fprintf(w, "  %s %s: stored, %d bytes, SHA-256 verified%s\n", what, name, len(b), promptSummary(what, b))
	}
	return nil
}

// promptSummary says how big each part of a stored prompt is.
func promptSummary(what string, b []byte) string {
	var d promptDoc
	if what != "prompt" || json.Unmarshal(b, &d) != nil {
		return ""
	}
	return fmt.Sprintf(" (system %d, reference %d, query %d bytes)", len(d.System), len(d.Reference), len(d.Query))
}

func stageOfFinding(f analyze.FindingRow) string {
	if f.StageID == nil {
		return ""
	}
	return fmt.Sprintf(" stage %d", *f.StageID)
}

func cachedMark(r analyze.DiagnosisRow) string {
	if r.Cached {
		return " (cached)"
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "no reason given"
	}
	return s
}
