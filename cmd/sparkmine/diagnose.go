package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

// diagnoseOptions are the flags of `sparkmine diagnose`.
type diagnoseOptions struct {
	out, app, attempt string
	cfg               Config
}

func cmdDiagnose(ctx context.Context, args []string, stdout io.Writer, _ *console) error {
	fs := newFlags("diagnose", "--out DATASET --app APP_ID [flags]", diagnoseExitCodes)
	var o diagnoseOptions
	var configPath, llm string
	fs.StringVar(&o.out, "out", "", "the dataset (s3://bucket/prefix/ or a folder)")
	fs.StringVar(&o.app, "app", "", "the app id to diagnose")
	fs.StringVar(&o.attempt, "attempt", "", "the attempt id (default: the newest attempt)")
	fs.StringVar(&configPath, "config", "", "config file (YAML)")
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
	switch {
	case llm != "":
		cfg.Gemini.Mode = llm
	case cfg.Gemini.Mode == "" || cfg.Gemini.Mode == "off":
		cfg.Gemini.Mode = "gemini"
	}
	if cfg.Gemini.Mode == "off" {
		return usagef("diagnose: --llm off would send nothing; use gemini or dry-run")
	}
	cfg.Gemini.RedactPatterns = append(cfg.Gemini.RedactPatterns, cfg.RedactPatterns...)
	if err := cfg.validate(); err != nil {
		return err
	}
	o.cfg = cfg
	return runDiagnose(ctx, o, stdout)
}

// runDiagnose diagnoses one stored app and prints the answer as JSON.
func runDiagnose(ctx context.Context, o diagnoseOptions, stdout io.Writer) error {
	out, err := storeurl.Open(ctx, o.out, o.cfg.S3.options())
	if err != nil {
		return usagef("diagnose: --out: %v", err)
	}
	row, err := pipeline.DiagnoseStored(ctx, out, o.app, o.attempt, o.cfg.Gemini, version)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(row)
}
