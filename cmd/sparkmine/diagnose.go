package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

// diagnoseOptions are the flags of `sparkmine diagnose`.
type diagnoseOptions struct {
	out, app, attempt string
	show              bool
	cfg               Config
	log               *slog.Logger
}

func cmdDiagnose(ctx context.Context, args []string, stdout io.Writer, c *console) error {
	fs := newFlags("diagnose", "--out DATASET --app APP_ID [--show] [flags]", diagnoseExitCodes)
	o := diagnoseOptions{log: c.log}
	var configPath, llm string
	fs.StringVar(&o.out, "out", "", "the dataset (s3://bucket/prefix/ or a folder)")
	fs.StringVar(&o.app, "app", "", "the app id to diagnose")
	fs.StringVar(&o.attempt, "attempt", "", "the attempt id (default: the newest attempt)")
	fs.StringVar(&configPath, "config", "", "config file (YAML)")
	fs.BoolVar(&o.show, "show", false, "print the stored audit chain (findings, prompt, response, accepted and rejected configs); send nothing")
	fs.StringVar(&llm, "llm", "", "gemini (default) or dry-run (write the prompt, send nothing)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if o.out == "" || o.app == "" {
		return usagef("diagnose: --out and --app are required")
	}
	cfg, err := loadConfig(configPath)
	if err != nil {
		return err
	}
	if llm != "" {
		cfg.Gemini.Mode = llm
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if llm == "" && cfg.Gemini.Mode == diagnose.ModeOff {
		cfg.Gemini.Mode = diagnose.ModeGemini // on demand, off means the default
	}
	o.cfg = cfg
	if o.show {
		return runShow(ctx, o, stdout)
	}
	return runDiagnose(ctx, o, stdout)
}

// runShow prints the audit chain of every stored diagnosis of the app.
func runShow(ctx context.Context, o diagnoseOptions, stdout io.Writer) error {
	out, err := storeurl.Open(ctx, o.out, o.cfg.S3.options())
	if err != nil {
		return usagef("diagnose: --out: %v", err)
	}
	rows, err := pipeline.LoadDiagnoses(ctx, out, o.app, o.attempt)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("diagnose --show: no diagnosis of %s in %s", o.app, out.URI(""))
	}
	c, err := pipeline.LoadApp(ctx, out, o.app, rows[len(rows)-1].AttemptID)
	if err != nil {
		return err
	}
	return diagnose.ShowChain(ctx, stdout, rows, c.Findings, pipeline.AuditStore(out))
}

// runDiagnose diagnoses one stored app and prints the answer as JSON.
func runDiagnose(ctx context.Context, o diagnoseOptions, stdout io.Writer) error {
	model, err := o.cfg.model(ctx)
	if err != nil {
		return err
	}
	if model == nil {
		return usagef("diagnose: --llm off would send nothing; use gemini or dry-run")
	}
	out, err := storeurl.Open(ctx, o.out, o.cfg.S3.options())
	if err != nil {
		return usagef("diagnose: --out: %v", err)
	}
	openLog := func(ctx context.Context, uri string) (store.Store, []logfile.Log, error) {
		return openLogs(ctx, uri, o.cfg.S3)
	}
	row, err := pipeline.DiagnoseStored(ctx, pipeline.Options{Out: out, Analyze: o.cfg.Config, Diagnose: o.cfg.Gemini, Model: model,
		Redactor: o.cfg.red, Version: buildVersion(), ConfigSHA256: o.cfg.sha256(), OpenLog: openLog, Logger: o.log}, o.app, o.attempt)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(row)
}
