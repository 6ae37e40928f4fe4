package auth

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

func TestVerifierAnswersATokenItAcceptedWithoutCheckingItAgain(t *testing.T) {
	clock := kernel.NewManualClock(time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC))
	secret := bytes.Repeat([]byte{7}, SecretSize)
	p := Principal{Role: RoleBidder, Party: uuid.MustParse("6f1c1f0e-8a53-4d43-9a4e-5a1c9d1b2e01")}
	token, err := NewIssuer(secret, clock).Issue(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(secret, clock)
	if got, err := v.Verify(token); err != nil || got != p {
		t.Fatalf("first Verify = %v, %v; want %v", got, err, p)
	}
	// A check of the signature would now fail: only the remembered
	// acceptance can answer.
	v.secret = bytes.Repeat([]byte{8}, SecretSize)
	if got, err := v.Verify(token); err != nil || got != p {
		t.Fatalf("second Verify = %v, %v; want the remembered %v", got, err, p)
	}
	other, err := NewIssuer(secret, clock).Issue(Principal{Role: RoleFund, Party: p.Party}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(other); err == nil {
		t.Fatal("a token never accepted was not checked against the secret")
	}
}

func TestVerifierForgetsEverythingWhenFull(t *testing.T) {
	clock := kernel.NewManualClock(time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC))
	secret := bytes.Repeat([]byte{7}, SecretSize)
	v := NewVerifier(secret, clock)
	is := NewIssuer(secret, clock)
	for i := range maxAccepted + 1 {
		token, err := is.Issue(Principal{Role: RoleBidder, Party: uuid.New()}, time.Hour+time.Duration(i)*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(token); err != nil {
			t.Fatal(err)
		}
		if n := len(v.accepted); n > maxAccepted {
			t.Fatalf("after %d tokens the verifier remembers %d; the bound is %d", i+1, n, maxAccepted)
		}
	}
	if n := len(v.accepted); n != 1 {
		t.Fatalf("after overflowing, the verifier remembers %d tokens; want the last one only", n)
	}
}
