// Package explain turns a failed read into words for the person running Terraform: which
// service failed, what the API said, what actually ran out when something did, and what to do
// about it. Its text is redacted by the caller, which knows the secrets.
package explain

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Hints are the provider's own advice in a read's error, which only its configuration knows.
type Hints struct {
	// NoCredentials follows the error of a read that found no credentials at all: the methods
	// to configure, and why the environment's keys were not used.
	NoCredentials string
	// UntrustedCertificate follows the error of an endpoint whose certificate is not trusted.
	UntrustedCertificate string
}

// Read describes a failed read: what was read (Subject), under which timeout, with which hints.
type Read struct {
	Timeout time.Duration
	Subject string
	Hints   Hints
}

// Failure is err in words: a summary that names the service that failed, and a detail that
// says what the API said, what actually ran out when something did, and what to do about it.
func (f Read) Failure(err error) (summary, detail string) {
	var b strings.Builder
	described := false
	for _, d := range describers {
		if described = d(f, err, &b); described {
			break
		}
	}
	if !described {
		b.WriteString(err.Error())
	}
	summary = "Unable to read " + f.Subject
	if service := credentials.Service(err); service != credentials.ServiceHSS {
		summary = "Unable to authenticate with " + service
	}
	return summary, b.String()
}

// describers write the detail of a failure, most specific first: the first that recognises
// the error writes it.
var describers = []func(f Read, err error, b *strings.Builder) bool{
	Read.noMetadata, Read.outOfTime, Read.cancelled, Read.unreachable, Read.unresolved,
	Read.attemptTimedOut, Read.refused, Read.redirected, Read.unreadable, Read.listChanged,
	Read.untrusted, Read.contextEnded,
}

// noMetadata: the last resort, the ECS metadata service, gave no credentials.
func (f Read) noMetadata(err error, b *strings.Builder) bool {
	var me *credentials.MetadataError
	if !errors.As(err, &me) {
		return false
	}
	fmt.Fprintf(b, "%s.\n\nThe metadata service answers on Huawei Cloud ECS and CCE hosts that have an agency bound.", me)
	if f.Hints.NoCredentials != "" {
		b.WriteString(" " + f.Hints.NoCredentials)
	}
	return true
}

// outOfTime: timeouts.read passed, and what the request was doing then.
func (f Read) outOfTime(err error, b *strings.Builder) bool {
	var ie *transport.InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch ie.Waiting {
	case transport.WaitingRateLimit:
		fmt.Fprintf(b, "The read would not finish within its timeout (timeouts.read = %s): %s was waiting for the provider's own rate limit "+
			"(rate_limit) after %d attempt(s), and its next turn comes after the deadline.\n\n"+
			"Raise timeouts.read, or raise rate_limit if the account's API limits allow it.", f.Timeout, ie.Request, ie.Attempts)
	case transport.WaitingHost:
		why := ie.Err
		var ue *transport.UnreachableError
		if errors.As(err, &ue) {
			why = ue
		}
		fmt.Fprintf(b, "The read did not finish within its timeout (timeouts.read = %s): %s was waiting for its host to accept connections again after %d attempt(s).\n\n"+
			"%s.\n\nThe provider waits up to %s for a host that accepts no connection, sending one connection attempt at a time (at most "+
			"every %s), so a restart or a short outage does not fail the plan. Check that the endpoint is right and up.",
			f.Timeout, ie.Request, ie.Attempts, why, transport.ConnectTimeout, transport.MaxProbeInterval)
	case transport.WaitingRetry:
		fmt.Fprintf(b, "The read did not finish within its timeout (timeouts.read = %s): %s was waiting to be retried after %d failed attempt(s).\n\n"+
			"%s\n\nRaise timeouts.read, or check the endpoint's health.", f.Timeout, ie.Request, ie.Attempts, ie.Err)
	default:
		fmt.Fprintf(b, "The read did not finish within its timeout (timeouts.read = %s): %s was in flight after %d attempt(s).\n\n"+
			"Raise timeouts.read, or check connectivity to the endpoint and the retry settings (max_retries).", f.Timeout, ie.Request, ie.Attempts)
	}
	return true
}

func (f Read) cancelled(err error, b *strings.Builder) bool {
	var ie *transport.InterruptedError
	if !errors.As(err, &ie) {
		return false
	}
	fmt.Fprintf(b, "The read was cancelled while %s was in flight (attempt %d).", ie.Request, ie.Attempts)
	return true
}

func (f Read) unreachable(err error, b *strings.Builder) bool {
	var ue *transport.UnreachableError
	if !errors.As(err, &ue) {
		return false
	}
	fmt.Fprintf(b, "%s.\n\nCheck that the endpoint is right and up; the read was not sent again.", ue)
	return true
}

func (f Read) unresolved(err error, b *strings.Builder) bool {
	var he *transport.UnresolvedHostError
	if !errors.As(err, &he) {
		return false
	}
	fmt.Fprintf(b, "%s.\n\nNot retried: a name that does not exist will not on the next attempt either. Check that argument, "+
		"or, for a private deployment, endpoints and the machine's DNS.", he)
	return true
}

func (f Read) attemptTimedOut(err error, b *strings.Builder) bool {
	var te *transport.AttemptTimeoutError
	if !errors.As(err, &te) {
		return false
	}
	attempts := 1
	var re *transport.RetryError
	if errors.As(err, &re) {
		attempts = re.Attempts
	}
	fmt.Fprintf(b, "%s, on each of %d attempt(s). This is the provider's limit for one request; the read's own timeout "+
		"(timeouts.read = %s) had not passed.\n\nCheck connectivity to the endpoint, a proxy in between, or raise max_retries.", te, attempts, f.Timeout)
	return true
}

// refused: the API's own error answer, its fields one per line, what to do, and how often it
// was tried.
func (f Read) refused(err error, b *strings.Builder) bool {
	var ae *transport.APIError
	if !errors.As(err, &ae) {
		return false
	}
	fmt.Fprintf(b, "%s failed with HTTP status %d.\n\nerror_code: %s\nerror_msg: %s\nrequest ID: %s",
		ae.Operation, ae.StatusCode, termsafe.OrNone(ae.ErrorCode), termsafe.OrNone(ae.ErrorMsg), termsafe.OrNone(ae.RequestID))
	if ae.TraceID != "" {
		fmt.Fprintf(b, "\nIAM trace ID: %s", ae.TraceID)
	}
	if h := ae.Hint(); h != "" {
		b.WriteString("\n\n" + h)
	}
	var re *transport.RetryError
	switch {
	case errors.As(err, &re) && re.Paused:
		fmt.Fprintf(b, "\n\nNot retried: retries are paused because the service kept failing (the request was sent %d time(s)). "+
			"Every read of this run shares each host's retries, so an outage gets a few dozen retries from the whole plan rather than "+
			"max_retries from each read; retrying resumes as requests succeed again.", re.Attempts)
	case re != nil:
		fmt.Fprintf(b, "\n\nThe request was tried %d times, as many as max_retries allows.", re.Attempts)
	}
	// Wrapped errors say which step failed, e.g. password authentication for a user; the
	// API's own words are above already.
	if step, _, found := strings.Cut(err.Error(), ae.Error()); found && strings.TrimSpace(step) != "" {
		b.WriteString("\n\nStep: " + strings.TrimSuffix(strings.TrimSpace(step), ":") + ".")
	}
	return true
}

func (f Read) redirected(err error, b *strings.Builder) bool {
	var se *transport.StatusError
	if !errors.As(err, &se) {
		return false
	}
	fmt.Fprintf(b, "%s.\n\n%s", se, se.Hint())
	return true
}

func (f Read) unreadable(err error, b *strings.Builder) bool {
	var de *transport.DecodeError
	if !errors.As(err, &de) {
		return false
	}
	fmt.Fprintf(b, "%s returned a response the provider could not read (HTTP status %d, request ID %s): %s.",
		de.Operation, de.StatusCode, termsafe.OrNone(de.RequestID), de.Reason)
	return true
}

func (f Read) listChanged(err error, b *strings.Builder) bool {
	if !errors.Is(err, hss.ErrListChanged) {
		return false
	}
	fmt.Fprintf(b, "%s.\n\nEntries were added or removed while the pages of the list were read, so no answer could be trusted. "+
		"Run the plan again once the image's scan has settled.", err)
	return true
}

func (f Read) untrusted(err error, b *strings.Builder) bool {
	if !isCertError(err) {
		return false
	}
	fmt.Fprintf(b, "The endpoint's TLS certificate could not be verified: %s.", err)
	if f.Hints.UntrustedCertificate != "" {
		b.WriteString("\n\n" + f.Hints.UntrustedCertificate)
	}
	return true
}

func (f Read) contextEnded(err error, b *strings.Builder) bool {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(b, "The read did not finish within its timeout (timeouts.read = %s): %s.", f.Timeout, err)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(b, "The read was cancelled: %s.", err)
	default:
		return false
	}
	return true
}

func isCertError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}
