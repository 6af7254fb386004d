namespace Myelin.Memory.Internal;

/// <summary>The Porter (1980) stemming algorithm for lower-case English words.</summary>
/// <remarks>Follows M.F. Porter, "An algorithm for suffix stripping", steps 1a to 5b. Words of up to two letters are
/// returned unchanged, as in the reference implementation.</remarks>
internal static class PorterStemmer
{
    private static readonly (string Suffix, string Replacement)[] s_step2 =
    [
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("bli", "ble"),
        ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
        ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"),
        ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
    ];

    private static readonly (string Suffix, string Replacement)[] s_step3 =
    [
        ("icate", "ic"), ("ative", string.Empty), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", string.Empty),
        ("ness", string.Empty),
    ];

    private static readonly string[] s_step4 =
    [
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti",
        "ous", "ive", "ize",
    ];

    public static string Stem(string word)
    {
        if (word.Length <= 2)
        {
            return word;
        }

        foreach (char c in word)
        {
            if (!char.IsAsciiLetterLower(c))
            {
                return word;
            }
        }

        var w = new Word(word);
        w.Step1A();
        w.Step1B();
        w.Step1C();
        w.ReplaceFirst(s_step2, 0);
        w.ReplaceFirst(s_step3, 0);
        w.Step4(s_step4);
        w.Step5();
        return w.ToString();
    }

    private sealed class Word(string text)
    {
        private string _s = text;

        public override string ToString() => _s;

        public void Step1A()
        {
            if (_s.EndsWith("sses", StringComparison.Ordinal) || _s.EndsWith("ies", StringComparison.Ordinal))
            {
                _s = _s[..^2];
            }
            else if (_s.EndsWith('s') && !_s.EndsWith("ss", StringComparison.Ordinal))
            {
                _s = _s[..^1];
            }
        }

        public void Step1B()
        {
            if (_s.EndsWith("eed", StringComparison.Ordinal))
            {
                if (Measure(_s.Length - 3) > 0)
                {
                    _s = _s[..^1];
                }

                return;
            }

            int cut = _s.EndsWith("ed", StringComparison.Ordinal) ? 2 : _s.EndsWith("ing", StringComparison.Ordinal) ? 3 : 0;
            if (cut == 0 || !HasVowel(_s.Length - cut))
            {
                return;
            }

            _s = _s[..^cut];
            if (_s.EndsWith("at", StringComparison.Ordinal) || _s.EndsWith("bl", StringComparison.Ordinal) ||
                _s.EndsWith("iz", StringComparison.Ordinal))
            {
                _s += "e";
            }
            else if (EndsDoubleConsonant() && _s[^1] is not ('l' or 's' or 'z'))
            {
                _s = _s[..^1];
            }
            else if (Measure(_s.Length) == 1 && EndsCvc(_s.Length))
            {
                _s += "e";
            }
        }

        public void Step1C()
        {
            if (_s.EndsWith('y') && HasVowel(_s.Length - 1))
            {
                _s = _s[..^1] + "i";
            }
        }

        public void ReplaceFirst((string Suffix, string Replacement)[] rules, int minMeasure)
        {
            foreach ((string suffix, string replacement) in rules)
            {
                if (_s.EndsWith(suffix, StringComparison.Ordinal))
                {
                    if (Measure(_s.Length - suffix.Length) > minMeasure)
                    {
                        _s = _s[..^suffix.Length] + replacement;
                    }

                    return;
                }
            }
        }

        public void Step4(string[] suffixes)
        {
            string? best = null;
            foreach (string suffix in suffixes)
            {
                if (_s.EndsWith(suffix, StringComparison.Ordinal) && (best is null || suffix.Length > best.Length))
                {
                    best = suffix;
                }
            }

            if (best is null)
            {
                return;
            }

            int stem = _s.Length - best.Length;
            if (Measure(stem) <= 1)
            {
                return;
            }

            if (best == "ion" && (stem == 0 || _s[stem - 1] is not ('s' or 't')))
            {
                return;
            }

            _s = _s[..stem];
        }

        public void Step5()
        {
            if (_s.EndsWith('e'))
            {
                int m = Measure(_s.Length - 1);
                if (m > 1 || (m == 1 && !EndsCvc(_s.Length - 1)))
                {
                    _s = _s[..^1];
                }
            }

            if (_s.EndsWith("ll", StringComparison.Ordinal) && Measure(_s.Length) > 1)
            {
                _s = _s[..^1];
            }
        }

        private bool IsConsonant(int i)
        {
            char c = _s[i];
            if (c is 'a' or 'e' or 'i' or 'o' or 'u')
            {
                return false;
            }

            return c != 'y' || i == 0 || !IsConsonant(i - 1);
        }

        // The number of vowel-consonant sequences in the first `length` letters (Porter's m).
        private int Measure(int length)
        {
            int m = 0;
            int i = 0;
            while (i < length && IsConsonant(i))
            {
                i++;
            }

            while (i < length)
            {
                while (i < length && !IsConsonant(i))
                {
                    i++;
                }

                if (i >= length)
                {
                    break;
                }

                m++;
                while (i < length && IsConsonant(i))
                {
                    i++;
                }
            }

            return m;
        }

        private bool HasVowel(int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (!IsConsonant(i))
                {
                    return true;
                }
            }

            return false;
        }

        private bool EndsDoubleConsonant() => _s.Length >= 2 && _s[^1] == _s[^2] && IsConsonant(_s.Length - 1);

        private bool EndsCvc(int length) =>
            length >= 3 && IsConsonant(length - 3) && !IsConsonant(length - 2) && IsConsonant(length - 1) &&
            _s[length - 1] is not ('w' or 'x' or 'y');
    }
}
