package datasources

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/facts"
	"github.com/hsslabs/terraform-provider-hss/internal/gate"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/lifecycle"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// The gate: may these images be deployed? Each reference is resolved to the image HSS scanned
// at its registry (hss_image's resolver), its facts are read through the engine (base OS,
// unhandled vulnerabilities and, when a policy asks, their CVSS), and internal/gate judges
// them. This file only adapts: configuration in, facts gathered, verdicts out.

// maxGateImages bounds one gate, as the resolver bounds one call.
const maxGateImages = resolve.MaxReferences

// NewImageGateDataSource is the hss_image_gate data source.
func NewImageGateDataSource() datasource.DataSource {
	return &dataSource[imageGateModel, *imageGateModel]{spec: imageGateSpec}
}

// imageGateModel is the configuration as the read uses it; images, policy and results are
// Terraform values read and built directly.
type imageGateModel struct {
	base
	Images              tftypes.Value `tfsdk:"images"`
	Policy              tftypes.Value `tfsdk:"policy"`
	At                  types.String  `tfsdk:"at"`
	Enforce             types.Bool    `tfsdk:"enforce"`
	Region              types.String  `tfsdk:"region"`
	EnterpriseProjectID types.String  `tfsdk:"enterprise_project_id"`
	Allowed             types.Bool    `tfsdk:"allowed"`
	Results             tftypes.Value `tfsdk:"results"`
}

var imageGateSpec = &spec[imageGateModel]{
	typeName: "image_gate",
	subject:  "the HSS facts of the gate's images",
	description: "Decides whether container images may be deployed, for one image or thousands: each reference is bound to the image " +
		"HSS scanned at its registry (as `hss_image` binds one), its base OS is judged against the provider's lifecycle table, its " +
		"unhandled vulnerabilities against the policy, and `results` says, per key, whether it is allowed and every reason it is not. " +
		"With `enforce = true` (the default) a refusal fails the read, so `terraform plan` stops and lists every refused image with its " +
		"reasons; with `enforce = false` the same text is a warning and the results are for conditions of your own.\n\n" +
		"Every rule fails closed: an unresolved reference, an image HSS has not scanned successfully, a base OS the table does not know, " +
		"a value outside what HSS documents and a vulnerability without a score (when `max_cvss` is set) are refusals. An answer HSS " +
		"cannot give (unreachable, refused, inconsistent) fails the read: the gate never decides on half an answer.\n\n" +
		"Reads, per distinct reference, `GET /v5/{project_id}/image/registries/images`, and per image " +
		"`GET /v5/{project_id}/image/{image_id}/basic-image` and `GET /v5/{project_id}/image/{image_id}/vulnerabilities`; " +
		"`GET /v5/{project_id}/image/registries` once for registries that are not SWR; with `max_cvss`, " +
		"`GET /v5/{project_id}/image/vulnerability/{vul_id}/cve` once per distinct vulnerability.",
	attributes: imageGateAttributes,
	validate:   validateImageGate,
	read:       readImageGate,
}

func imageGateAttributes(context.Context) map[string]schema.Attribute {
	list := func(description string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: description}
	}
	return scopeAttributes(map[string]schema.Attribute{
		"images": schema.MapAttribute{
			Required:    true,
			ElementType: types.StringType,
			MarkdownDescription: fmt.Sprintf("The images to judge, under keys of your choosing (at most %d): each a reference as a deployment "+
				"pulls it, `registry/organization/name:tag`, `…@sha256:…` or both.", maxGateImages),
			Validators: []validator.Map{mapvalidator.SizeBetween(1, maxGateImages), mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1)),
				mapvalidator.ValueStringsAre(validators.AnyImageReference)},
		},
		"policy": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "What an image must satisfy. Every field is optional, and the defaults are strict.",
			Attributes: map[string]schema.Attribute{
				"os_min_days_left": schema.Int64Attribute{Optional: true, MarkdownDescription: "Refuse a base OS whose support ends in fewer " +
					"days than this. Default 0: refuse one past its end. A release with no announced end passes."},
				"os_allow": list("Releases accepted though the lifecycle table does not know them, as `\"<os_name> <os_version>\"` the way HSS " +
					"reports them, e.g. `\"Huawei Cloud EulerOS 2.0\"` (compared ignoring case and repeated spaces). A release the table knows is " +
					"judged by its dates, never by this list."),
				"os_support": schema.StringAttribute{Optional: true, MarkdownDescription: "Which support a base OS must still have: `standard` " +
					"(the default: the vendor's regular security updates) or `extended` (also Debian LTS, Ubuntu ESM, RHEL ELS…, which may be " +
					"paid; `os_lifecycle`'s `support_note` says which). A release without extended support is judged by its standard end."},
				"max_scan_age": schema.StringAttribute{Optional: true, MarkdownDescription: "Refuse a scan older than this, e.g. `\"168h\"` or " +
					"`\"7d\"`; an image with no scan time is refused then. Default: no limit."},
				"refuse_repair_necessity": list("Unhandled vulnerabilities of these repair necessities refuse: `immediate_repair`, `delay_repair`, " +
					"`not_needed_repair`. Default `[\"immediate_repair\"]`. A value HSS sends outside these is judged the most severe."),
				"max_cvss": schema.Float64Attribute{Optional: true, MarkdownDescription: "Refuse an unhandled vulnerability scoring above this " +
					"CVSS (0 to 10); one without a known score counts as above it. Default: none, and no CVSS is read."},
				"refuse_malicious_files": schema.BoolAttribute{Optional: true, MarkdownDescription: "Refuse an image with malicious files. Default `true`."},
				"refuse_unsafe_settings": schema.BoolAttribute{Optional: true, MarkdownDescription: "Refuse an image with unsafe settings. Default `false`."},
				"require_digest": schema.BoolAttribute{Optional: true, MarkdownDescription: "Refuse a reference without a digest. Default `false`: " +
					"a tag is bound to the digest HSS scanned, which `pinned_reference` hands back."},
				"exceptions": schema.ListNestedAttribute{
					Optional:            true,
					MarkdownDescription: "Vulnerabilities let through until a date. An exception never hides an unresolved reference, an unscanned image or a base OS.",
					NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"vul_id": schema.StringAttribute{Required: true, MarkdownDescription: "The vulnerability, as HSS names it, e.g. `CVE-2024-6387`."},
						"reason": schema.StringAttribute{Required: true, MarkdownDescription: "Why it is acceptable; shown with every result it applies to."},
						"expires": schema.StringAttribute{Required: true, MarkdownDescription: "When it stops applying: a date (`YYYY-MM-DD`, " +
							"through the end of that day UTC) or an RFC 3339 time. An expired exception is named in the refusal it no longer hides."},
						"images": list("Keys of `images` it applies to; every image when left out."),
					}},
				},
			},
		},
		"at": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The moment to judge for, RFC 3339 (scan age, support left, exceptions). Default: the time of the read. " +
				"`plantimestamp()` pins it to the plan.",
			Validators: []validator.String{validators.Timestamp},
		},
		"enforce": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Whether a refusal fails the read (`true`, the default) or is a warning (`false`).",
		},
		"allowed": schema.BoolAttribute{Computed: true, MarkdownDescription: "Every image is allowed."},
		"results": schema.MapAttribute{
			Computed:    true,
			ElementType: gateResultType(),
			MarkdownDescription: "Each image's verdict under its key: `allowed`; `refusals` (one line per reason); `suppressed` (the " +
				"exceptions that hid a refusal: `vul_id`, `reason`, `expires`); the image bound (`reference` as given, `pinned_reference`, " +
				"`image_id`, `image_digest`, `registry_type`, `scan_status`, `latest_scan_time`; empty when the reference did not resolve); " +
				"`base_os` (each `os_name`, `os_version`, `known`, `eol_date`, `days_left`, `supported`, as judged at `at` for the support " +
				"level asked); and `vulnerabilities` (the unhandled ones considered: `vul_id`, `repair_necessity`, `cvss` (null when not " +
				"read or unknown), `app_name`, `version`, `refuses`, `excepted`).",
		},
	})
}

// Fields of results, built as Terraform values directly.
var (
	gateSuppressedFields = []tfvalue.Field[gate.Suppression]{
		tfvalue.String("vul_id", "", func(s gate.Suppression) string { return s.VulID }),
		tfvalue.String("reason", "", func(s gate.Suppression) string { return s.Reason }),
		tfvalue.String("expires", "", func(s gate.Suppression) string { return gate.FormatExpiry(s.Expires) }),
	}
	gateOSFields = []tfvalue.Field[gateOS]{
		tfvalue.String("os_name", "", func(o gateOS) string { return o.Name }),
		tfvalue.String("os_version", "", func(o gateOS) string { return o.Version }),
		tfvalue.Bool("known", "", func(o gateOS) bool { return o.Known }),
		tfvalue.NullableString("eol_date", func(o gateOS) (string, bool) {
			return o.level().End.Format(time.DateOnly), !o.level().End.IsZero()
		}),
		tfvalue.NullableInt64("days_left", func(o gateOS) (int64, bool) { return o.level().DaysLeft, o.level().HasDaysLeft }),
		tfvalue.Bool("supported", "", func(o gateOS) bool { return o.Known && o.level().Supported }),
	}
	gateVulnerabilityFields = []tfvalue.Field[gate.Considered]{
		tfvalue.String("vul_id", "", func(c gate.Considered) string { return c.VulID }),
		tfvalue.String("repair_necessity", "", func(c gate.Considered) string { return c.RepairNecessity }),
		tfvalue.NullableFloat64("cvss", func(c gate.Considered) (float64, bool) {
			if c.CVSS == nil {
				return 0, false
			}
			return *c.CVSS, true
		}),
		tfvalue.String("app_name", "", func(c gate.Considered) string { return c.AppName }),
		tfvalue.String("version", "", func(c gate.Considered) string { return c.Version }),
		tfvalue.Bool("refuses", "", func(c gate.Considered) bool { return c.Refuses }),
		tfvalue.Bool("excepted", "", func(c gate.Considered) bool { return c.Excepted }),
	}
	gateResultFields = []tfvalue.Field[gateResult]{
		tfvalue.Bool("allowed", "", func(r gateResult) bool { return r.verdict.Allowed }),
		tfvalue.StringList("refusals", func(r gateResult) []string { return r.verdict.Refusals }),
		tfvalue.List("suppressed", "", gateSuppressedFields, func(r gateResult) []gate.Suppression { return r.verdict.Suppressed }),
		tfvalue.String("reference", "", func(r gateResult) string { return r.img.Facts.Reference }),
		tfvalue.String("pinned_reference", "", func(r gateResult) string { return r.img.Bound.Pinned }),
		tfvalue.String("image_id", "", func(r gateResult) string { return r.img.ImageID() }),
		tfvalue.String("image_digest", "", func(r gateResult) string { return r.img.Bound.Digest }),
		tfvalue.String("registry_type", "", func(r gateResult) string { return r.img.Bound.Image.RegistryType }),
		tfvalue.String("scan_status", "", func(r gateResult) string { return r.img.Facts.ScanStatus }),
		tfvalue.String("latest_scan_time", "", func(r gateResult) string { return r.img.Bound.Image.LatestScanTime }),
		tfvalue.List("base_os", "", gateOSFields, func(r gateResult) []gateOS { return r.os }),
		tfvalue.List("vulnerabilities", "", gateVulnerabilityFields, func(r gateResult) []gate.Considered { return r.verdict.Vulnerabilities }),
	}
)

// gateResultType is the type of one value of results.
func gateResultType() types.ObjectType { return tfvalue.ObjectType(gateResultFields) }

// gateOS is a base OS as the results show it: the facts, at the support level judged.
type gateOS struct {
	gate.OS
	extended bool
}

// level is the support the policy judged.
func (o gateOS) level() gate.Support {
	if o.extended && o.Extended != nil {
		return *o.Extended
	}
	return o.Standard
}

// gateResult is one image's facts, the resolution they came from, and its verdict.
type gateResult struct {
	img     facts.Image
	os      []gateOS
	verdict gate.Verdict
}

func validateImageGate(_ context.Context, m *imageGateModel, diags *diag.Diagnostics) {
	images, unknown, err := gateImages(m.Images)
	if err != nil || unknown {
		return
	}
	w, known, err := writtenPolicy(m.Policy)
	if err != nil || !known {
		return
	}
	if _, probs := gate.ParseWritten(w, slices.Collect(maps.Keys(images)), hss.RepairNecessities); len(probs) > 0 {
		addProblems(diags, probs)
	}
}

// addProblems reports each problem of a policy at its attribute.
func addProblems(diags *diag.Diagnostics, probs gate.Problems) {
	for _, p := range probs {
		at := path.Root("policy")
		for _, step := range p.Path {
			switch s := step.(type) {
			case string:
				at = at.AtName(s)
			case int:
				at = at.AtListIndex(s)
			}
		}
		diags.AddAttributeError(at, "Invalid policy", validators.Sentence(p.Message))
	}
}

// gateImages are the references of images by key; unknown says some are not known yet.
func gateImages(raw tftypes.Value) (map[string]string, bool, error) {
	if !raw.IsKnown() {
		return nil, true, nil
	}
	var elems map[string]tftypes.Value
	if err := raw.As(&elems); err != nil {
		return nil, false, fmt.Errorf("images: %w", err)
	}
	out := make(map[string]string, len(elems))
	for k, v := range elems {
		if !v.IsKnown() {
			return nil, true, nil
		}
		var s string
		if err := v.As(&s); err != nil {
			return nil, false, fmt.Errorf("images[%q]: %w", k, err)
		}
		out[k] = s
	}
	return out, false, nil
}

func readImageGate(ctx context.Context, d *Data, m *imageGateModel) (*outcome, error) {
	images, unknown, err := gateImages(m.Images)
	switch {
	case err != nil:
		return nil, err
	case unknown:
		return nil, fmt.Errorf("hss_image_gate was read before images was known")
	}
	keys := slices.Sorted(maps.Keys(images))
	w, known, err := writtenPolicy(m.Policy)
	switch {
	case err != nil:
		return nil, err
	case !known:
		return nil, fmt.Errorf("hss_image_gate was read before its policy was known")
	}
	policy, probs := gate.ParseWritten(w, keys, hss.RepairNecessities)
	if len(probs) > 0 {
		return nil, &attributeError{path.Root("policy"), "Invalid policy", validators.Sentence(probs.Error())}
	}
	g, err := gate.New(policy, hss.RepairNecessities)
	if err != nil {
		return nil, err
	}
	at := time.Now().UTC()
	if !m.At.IsNull() {
		if at, err = time.Parse(time.RFC3339, m.At.ValueString()); err != nil {
			return nil, &attributeError{path.Root("at"), "Invalid timestamp", validators.Sentence(err.Error())}
		}
	}
	table, err := lifecycle.Load()
	if err != nil {
		return nil, fmt.Errorf("the provider's OS lifecycle table is unreadable: %w", err)
	}

	region, ep := where(d, m.Region, m.EnterpriseProjectID)
	reader := facts.Reader{Client: d.Client, Region: region, EnterpriseProjectID: ep, Table: table, At: at}
	results, err := gatherFacts(ctx, reader, keys, images, policy.MaxCVSS != nil, policy.OSSupport == gate.SupportExtended)
	if err != nil {
		return nil, err
	}
	allowed := true
	for i := range results {
		results[i].verdict = g.Judge(results[i].img.Facts, at)
		allowed = allowed && results[i].verdict.Allowed
	}
	readIn(&m.Region, &m.EnterpriseProjectID, region, ep)
	m.Allowed = types.BoolValue(allowed)
	m.Results = gateResults(keys, results)
	if m.Enforce.IsNull() {
		m.Enforce = types.BoolValue(true)
	}
	out := &outcome{idParts: []string{region}, key: gateKey(region, ep, keys, images, w)}
	if table.Stale(at) {
		out.warnings = append(out.warnings, warning{"The OS lifecycle table is old", fmt.Sprintf(
			"The provider's lifecycle table is from %s, more than 180 days before %s: releases published since are unknown to it, and "+
				"refused. Use a newer provider, or name such releases in policy.os_allow.", table.Date.Format(time.DateOnly), at.Format(time.DateOnly))})
	}
	if !allowed {
		summary, detail := refusalText(keys, results)
		if m.Enforce.ValueBool() {
			return nil, &refusedError{summary: summary, detail: detail}
		}
		out.warnings = append(out.warnings, warning{summary, detail})
	}
	return out, nil
}

// refusedError is a gate that refused with enforce = true: the read fails with every refused
// image and its reasons.
type refusedError struct{ summary, detail string }

func (e *refusedError) Error() string { return e.summary + ": " + e.detail }

// refusalText says which images were refused, and why, one reason a line.
func refusalText(keys []string, results []gateResult) (summary, detail string) {
	var b strings.Builder
	refused := 0
	for i, r := range results {
		if r.verdict.Allowed {
			continue
		}
		refused++
		fmt.Fprintf(&b, "\n%s (%s):\n", keys[i], r.img.Facts.Reference)
		for _, line := range r.verdict.Refusals {
			b.WriteString("  - " + line + "\n")
		}
	}
	summary = "Deployment refused"
	return summary, fmt.Sprintf("%d of %d images may not be deployed:\n%s", refused, len(keys), strings.TrimRight(b.String(), "\n"))
}

// gateKey identifies what a gate judged: the same images under the same policy, the same ID.
func gateKey(region, ep string, keys []string, images map[string]string, w gate.Written) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n%+v\n", region, ep, w)
	for _, k := range keys {
		fmt.Fprintf(&b, "%q=%q\n", k, images[k])
	}
	return b.String()
}

// gateResults is results: each image's verdict and facts under its key.
func gateResults(keys []string, results []gateResult) tftypes.Value {
	rt := gateResultType().TerraformType(context.Background())
	values := make(map[string]tftypes.Value, len(keys))
	for i, r := range results {
		vals := make(map[string]tftypes.Value, len(gateResultFields))
		for _, f := range gateResultFields {
			vals[f.Name] = f.Value(r)
		}
		values[keys[i]] = tftypes.NewValue(rt, vals)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: rt}, values)
}

// gatherFacts resolves every image's reference and reads what the policy judges of the images
// that resolved: base OS, unhandled vulnerabilities and, with withCVSS, their scores.
func gatherFacts(ctx context.Context, r facts.Reader, keys []string, images map[string]string, withCVSS, extended bool) ([]gateResult, error) {
	refs := make([]string, len(keys))
	for i, k := range keys {
		refs[i] = images[k]
	}
	imgs, err := r.Resolve(ctx, keys, refs)
	if err != nil {
		return nil, err
	}
	if err := forEachKey(ctx, "images", keys, func(ctx context.Context, i int) error { return r.Read(ctx, &imgs[i]) }); err != nil {
		return nil, err
	}
	if withCVSS {
		if err := r.Score(ctx, imgs); err != nil {
			return nil, err
		}
	}
	results := make([]gateResult, len(keys))
	for i := range imgs {
		results[i] = gateResult{img: imgs[i]}
		for _, o := range imgs[i].Facts.BaseOS {
			results[i].os = append(results[i].os, gateOS{OS: o, extended: extended})
		}
	}
	return results, nil
}
