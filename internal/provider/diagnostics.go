package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

const readSummary = "Unable to read HSS basic image information"

// readError turns a client error into one diagnostic whose detail says what the API said and
// what to do about it.
func readError(err error, timeout time.Duration) diag.Diagnostic {
	var b strings.Builder
	var ae *hss.APIError
	var de *hss.DecodeError
	var ie *hss.InterruptedError
	switch {
	case errors.As(err, &ie) && errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(&b, "The read did not finish within its timeout (timeouts.read = %s): %s was in flight after %d attempt(s).\n\n"+
			"Raise timeouts.read, or check connectivity to the endpoint and the retry settings (max_retries).", timeout, ie.InFlight, ie.Attempts)
	case errors.As(err, &ie):
		fmt.Fprintf(&b, "The read was cancelled while %s was in flight (attempt %d).", ie.InFlight, ie.Attempts)
	case errors.As(err, &ae):
		fmt.Fprintf(&b, "%s failed with HTTP status %d.\n\nerror_code: %s\nerror_msg: %s\nrequest ID: %s",
			ae.Operation, ae.StatusCode, orNone(ae.ErrorCode), orNone(ae.ErrorMsg), orNone(ae.RequestID))
		if h := ae.Hint(); h != "" {
			b.WriteString("\n\n" + h)
		}
		var re *hss.RetryError
		if errors.As(err, &re) {
			fmt.Fprintf(&b, "\n\nThe request was tried %d times.", re.Attempts)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, ae.Operation) {
			// Wrapped errors say which step failed, e.g. password authentication for a user.
			b.WriteString("\n\nDetails: " + msg)
		}
	case errors.As(err, &de):
		fmt.Fprintf(&b, "%s returned a response the provider could not read (HTTP status %d, request ID %s): %s.",
			de.Operation, de.StatusCode, orNone(de.RequestID), de.Reason)
	case isCertError(err):
		fmt.Fprintf(&b, "The endpoint's TLS certificate could not be verified: %s.\n\n"+
			"Set cacert_file (%s) to the CA certificate that signed it, or, for a test endpoint only, insecure = true.", err, EnvCACertFile)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(&b, "The read did not finish within its timeout (timeouts.read = %s): %s.", timeout, err)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(&b, "The read was cancelled: %s.", err)
	default:
		b.WriteString(err.Error())
	}
	return diag.NewErrorDiagnostic(readSummary, b.String())
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func isCertError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}
