package ask

// Config is the `ask:` section of the config file. The model, its prices
// and the token budget are the gemini section's.
type Config struct {
	// SampleValues lets the reference information carry the values present
	// in each table's few-valued text columns (status, detector, severity,
	// queue, user, …), up to MaxSampleValues per column, so the model
	// writes filters that match. These are rows' data, sent to the model:
	// off unless the dataset's owner allows it.
	SampleValues bool `yaml:"sample_values"`
}

// MaxSampleValues bounds the values listed per column; a column with more
// is not listed.
const MaxSampleValues = 20
