package hss_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

func TestListSpecExample(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk())
	res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "111", ImageType: "cicd", EnterpriseProjectID: "all_granted_eps"})
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalNum != 1 || len(res.Items) != 1 || res.Items[0].OSName != "Debian" || res.Items[0].OSVersion != "9" || res.Items[0].LayerDigest != emulator.SpecDebian.LayerDigest {
		t.Fatalf("unexpected result %+v", res)
	}
	if got := emu.Count(emulator.KindIAMProjects); got != 1 {
		t.Fatalf("project lookups = %d, want 1", got)
	}
	if got := emu.Count(emulator.KindHSS); got != 1 {
		t.Fatalf("HSS requests = %d, want 1", got)
	}
}

func TestListManyPages(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != emulator.ManyEntries || res.Requests != 3 || emu.Count(emulator.KindHSS) != 3 {
		t.Fatalf("items=%d requests=%d emulator=%d", len(res.Items), res.Requests, emu.Count(emulator.KindHSS))
	}
	for i, it := range res.Items {
		want := emulator.ManyEntry(i)
		if it.OSName != want.OSName || it.OSVersion != want.OSVersion || it.LayerDigest != want.LayerDigest {
			t.Fatalf("entry %d = %+v, want %+v", i, it, want)
		}
	}
	if emu.Count(emulator.KindIAMProjects) != 0 {
		t.Fatal("configured project ID must not be looked up")
	}
}

func TestWrongSecret(t *testing.T) {
	_, url := newServer(t)
	cr := aksk()
	cr.SecretKey = "not-the-secret"
	c := newClient(t, url, cr, func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	_, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "111", ImageType: "cicd"})
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.ErrorCode != "APIGW.0301" || ae.RequestID == "" {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Fatal("secret leaked into error")
	}
}

func TestPasswordAndToken(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName})
	for i := 0; i < 3; i++ {
		res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "111", ImageType: "cicd"})
		if err != nil {
			t.Fatal(err)
		}
		if res.ProjectID != emulator.ProjectID {
			t.Fatalf("project = %s", res.ProjectID)
		}
	}
	if emu.Count(emulator.KindIAMToken) != 1 || emu.Count(emulator.KindIAMProjects) != 0 {
		t.Fatalf("token=%d projects=%d", emu.Count(emulator.KindIAMToken), emu.Count(emulator.KindIAMProjects))
	}
	tok := emu.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	c2 := newClient(t, url, credentials.Config{Method: credentials.AuthToken, Token: tok})
	if _, err := c2.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "111", ImageType: "cicd"}); err != nil {
		t.Fatal(err)
	}
}

func TestTemporaryAKSK(t *testing.T) {
	_, url := newServer(t)
	cr := credentials.Config{Method: credentials.AuthAKSK, AccessKey: emulator.TempAccessKeyID, SecretKey: emulator.TempSecretKey, SecurityToken: emulator.TempSecurityTok}
	c := newClient(t, url, cr)
	if _, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "111", ImageType: "cicd"}); err != nil {
		t.Fatal(err)
	}
	cr.SecurityToken = "wrong"
	c = newClient(t, url, cr, func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	_, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "111", ImageType: "cicd"})
	if err == nil || !strings.Contains(err.Error(), "security token") {
		t.Fatalf("err = %v", err)
	}
}

func TestEncoding(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "harbor-0001", ImageType: "harbor", Namespace: "team a&b/x+y", ImageName: "web app", ImageVersion: "1.2 beta"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].OSName != "Alpine" {
		t.Fatalf("res = %+v", res)
	}
	q := emu.Requests()[0].Query
	if q.Get("namespace") != "team a&b/x+y" || q.Get("limit") != "200" || q.Get("offset") != "0" {
		t.Fatalf("query = %v", q)
	}
}
