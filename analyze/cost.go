package analyze

import (
	"errors"
	"fmt"
	"sort"

	"github.com/sparkmine/sparkmine/extract"
)

// CostConfig prices an application's resources.
//
// The model: an executor core costs VCPUHourUSD per hour it is allocated and
// executor memory GiBHourUSD per GiB-hour; the driver (when IncludeDriver)
// costs the same rates for its cores and memory over the app's duration.
// From an AppRow:
//
//	core-hours      = executor_time_ms ÷ 3.6e6         (Σ executor lifetime × cores)
//	mem GiB-hours   = executor_lifetime_ms ÷ 3.6e6 × executor_memory_mb ÷ 1024
//	allocated (exe) = core-hours × vCPU rate + mem GiB-hours × GiB rate
//	used            = task_time_ms ÷ 3.6e6 × vCPU rate + mem GiB-hours × utilization × GiB rate
//	waste           = allocated (exe) − used, ≥ 0
//
// Used memory is charged in proportion to used core-time (memory serves the
// cores that run tasks), so used ÷ allocated equals the app's utilization.
// The driver is a fixed cost of running the app: it is in AllocatedUSD but
// never counted as waste.
//
// The defaults model Amazon EMR on EC2 with on-demand m5 instances in
// us-east-1: m5.xlarge is 0.192 USD/h for EC2 plus 0.048 USD/h EMR uplift,
// 0.240 USD/h for 4 vCPU and 16 GiB. Split 70 % to CPU and 30 % to memory
// (about the split AWS Fargate's per-vCPU and per-GiB prices imply) that is
// 0.042 USD per vCPU-hour and 0.0045 USD per GiB-hour. Set InstanceType to
// derive both rates from a listed instance instead, or set the rates to your
// own prices (spot, reserved, another region or cloud).
type CostConfig struct {
	VCPUHourUSD   float64                  `yaml:"vcpu_hour_usd"`
	GiBHourUSD    float64                  `yaml:"gib_hour_usd"`
	InstanceTypes map[string]InstancePrice `yaml:"instance_types"`
	// InstanceType, when set, names an entry of InstanceTypes whose hourly
	// price replaces VCPUHourUSD and GiBHourUSD: CPUShare of it spread over
	// its vCPUs, the rest over its GiB.
	InstanceType  string  `yaml:"instance_type"`
	CPUShare      float64 `yaml:"cpu_share"`
	IncludeDriver bool    `yaml:"include_driver"`
	// Token prices of the diagnosis model (default: Gemini 2.5 Flash,
	// paid tier, text: 0.30 USD input and 2.50 USD output per million).
	LLMInputPerMTokUSD  float64 `yaml:"llm_input_per_mtok_usd"`
	LLMOutputPerMTokUSD float64 `yaml:"llm_output_per_mtok_usd"`
}

// InstancePrice is an instance type's hourly price (include any EMR or
// platform uplift) and size.
type InstancePrice struct {
	HourUSD   float64 `yaml:"hour_usd"`
	VCPUs     float64 `yaml:"vcpus"`
	MemoryGiB float64 `yaml:"memory_gib"`
}

// Cost is an application's estimated cost in the model CostConfig describes.
type Cost struct {
	CoreHours    float64 // executor core-hours allocated
	MemGiBHours  float64 // executor memory GiB-hours allocated
	AllocatedUSD float64 // executors, plus the driver when included
	UsedUSD      float64 // the part of the executors' cost that ran tasks
	WasteUSD     float64 // executors' allocated − used, ≥ 0
	DriverUSD    float64 // 0 unless IncludeDriver
	ExecutorUSD  float64 // executors' allocated cost alone
}

// DefaultCostConfig returns the EMR-on-EC2 m5 defaults described on
// CostConfig, with a few common instance types (us-east-1 on-demand EC2 +
// EMR prices; check them against your region before relying on them).
func DefaultCostConfig() CostConfig {
	return CostConfig{
		VCPUHourUSD: 0.042,
		GiBHourUSD:  0.0045,
		InstanceTypes: map[string]InstancePrice{
			"m5.xlarge":  {HourUSD: 0.240, VCPUs: 4, MemoryGiB: 16},
			"m5.2xlarge": {HourUSD: 0.480, VCPUs: 8, MemoryGiB: 32},
			"m5.4xlarge": {HourUSD: 0.960, VCPUs: 16, MemoryGiB: 64},
			"r5.2xlarge": {HourUSD: 0.630, VCPUs: 8, MemoryGiB: 64},
		},
		CPUShare:            0.7,
		LLMInputPerMTokUSD:  0.30,
		LLMOutputPerMTokUSD: 2.50,
	}
}

// Rates returns the per-vCPU-hour and per-GiB-hour prices in effect: the
// instance type's split when InstanceType is set, else the configured rates.
func (c CostConfig) Rates() (vcpuHour, gibHour float64) {
	p, ok := c.InstanceTypes[c.InstanceType]
	if c.InstanceType == "" || !ok || p.VCPUs <= 0 || p.MemoryGiB <= 0 {
		return c.VCPUHourUSD, c.GiBHourUSD
	}
	return p.HourUSD * c.CPUShare / p.VCPUs, p.HourUSD * (1 - c.CPUShare) / p.MemoryGiB
}

const msPerHour = 3.6e6

// AppCost prices one application attempt. It never returns NaN, infinite or
// negative numbers, whatever the row holds.
func (c CostConfig) AppCost(r extract.AppRow) Cost {
	vcpu, gib := c.Rates()
	coreH := pos(float64(r.ExecutorTimeMS) / msPerHour)
	memH := pos(float64(r.ExecutorLifetimeMS)/msPerHour) * pos(float64(r.ExecutorMemoryMB)/1024)
	usedCoreH := pos(float64(r.TaskTimeMS) / msPerHour)
	if usedCoreH > coreH {
		usedCoreH = coreH
	}
	util := ratio(usedCoreH, coreH)
	out := Cost{CoreHours: coreH, MemGiBHours: clean(memH)}
	out.ExecutorUSD = clean(coreH*vcpu + out.MemGiBHours*gib)
	out.UsedUSD = clean(usedCoreH*vcpu + out.MemGiBHours*util*gib)
	out.WasteUSD = pos(out.ExecutorUSD - out.UsedUSD)
	if c.IncludeDriver {
		h := pos(float64(r.DurationMS) / msPerHour)
		out.DriverUSD = clean(h * (pos(float64(r.DriverCores))*vcpu + pos(float64(r.DriverMemoryMB)/1024)*gib))
	}
	out.AllocatedUSD = out.ExecutorUSD + out.DriverUSD
	return out
}

// CoreHourUSD is the price of one allocated executor core-hour including its
// share of executor memory, the rate findings' wasted core-time is priced at.
func (c CostConfig) CoreHourUSD(r extract.AppRow) float64 {
	vcpu, gib := c.Rates()
	memPerCore := 0.0
	if r.ExecutorCores > 0 {
		memPerCore = pos(float64(r.ExecutorMemoryMB)/1024) / float64(r.ExecutorCores)
	}
	return clean(vcpu + memPerCore*gib)
}

// LLMCostUSD prices one diagnosis call's tokens.
func (c CostConfig) LLMCostUSD(inputTokens, outputTokens int64) float64 {
	in := pos(float64(inputTokens)) / 1e6 * c.LLMInputPerMTokUSD
	out := pos(float64(outputTokens)) / 1e6 * c.LLMOutputPerMTokUSD
	return clean(in + out)
}

// pos clamps x to a finite value ≥ 0.
func pos(x float64) float64 {
	if !finite(x) || x < 0 {
		return 0
	}
	return x
}

func (c CostConfig) validate() error {
	const p = "cost."
	errs := []error{
		nonNegF(p+"vcpu_hour_usd", c.VCPUHourUSD),
		nonNegF(p+"gib_hour_usd", c.GiBHourUSD),
		fraction(p+"cpu_share", c.CPUShare, true),
		nonNegF(p+"llm_input_per_mtok_usd", c.LLMInputPerMTokUSD),
		nonNegF(p+"llm_output_per_mtok_usd", c.LLMOutputPerMTokUSD),
	}
	names := make([]string, 0, len(c.InstanceTypes))
	for n := range c.InstanceTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		errs = append(errs, c.InstanceTypes[n].validate(p+"instance_types."+n))
	}
	if _, ok := c.InstanceTypes[c.InstanceType]; c.InstanceType != "" && !ok {
		errs = append(errs, fmt.Errorf("%sinstance_type: %q is not in instance_types (have %v)", p, c.InstanceType, names))
	}
	return errors.Join(errs...)
}

func (p InstancePrice) validate(path string) error {
	errs := []error{nonNegF(path+".hour_usd", p.HourUSD)}
	if !finite(p.VCPUs) || p.VCPUs <= 0 {
		errs = append(errs, fmt.Errorf("%s.vcpus: %v, want > 0", path, p.VCPUs))
	}
	if !finite(p.MemoryGiB) || p.MemoryGiB <= 0 {
		errs = append(errs, fmt.Errorf("%s.memory_gib: %v, want > 0", path, p.MemoryGiB))
	}
	return errors.Join(errs...)
}

// Node is a node of the configured instance type: its memory in MiB and
// its vCPUs, 0 and 0 when no instance type is set.
func (c CostConfig) Node() (memMiB, vcpus int64) {
	if p, ok := c.InstanceTypes[c.InstanceType]; ok && c.InstanceType != "" {
		return int64(p.MemoryGiB * 1024), int64(p.VCPUs)
	}
	return 0, 0
}
