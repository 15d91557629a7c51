package naming

import "testing"

func TestTitleCapitalisesOnlyTheFirstLetter(t *testing.T) {
	for in, want := range map[string]string{"o11yscale": "O11yscale", "acme": "Acme", "my-obs": "My-obs", "": "", "9x": "9x"} {
		if got := Title(in); got != want {
			t.Errorf("Title(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Namespace("acme", "Logs"); got != "Acme/Logs" {
		t.Errorf("Namespace = %q", got)
	}
}
