namespace Myelin.Numerics.Autograd;

/// <summary>Plain float64 forward definitions the autograd ops are checked against.</summary>
internal static class Reference
{
    public static double[] MatMul(double[] a, double[] b, int m, int n, int k, bool ta, bool tb)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (ta ? a[(p * m) + i] : a[(i * k) + p]) * (tb ? b[(j * k) + p] : b[(p * n) + j]);
                }

                c[(i * n) + j] = s;
            }
        }

        return c;
    }

    public static double[] Map(double[] x, Func<double, double> f) => [.. x.Select(f)];

    public static double[] Zip(double[] x, double[] y, Func<double, double, double> f) => [.. x.Zip(y, f)];

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static double Erf(double x)
    {
        // Maclaurin series; exact to double precision for the |x| < 4 the tests use.
        double sum = 0, term = x;
        for (int n = 0; n < 120; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static double GeluErf(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    public static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + (0.044715 * x * x * x))));

    public static double[] Rows(double[] x, int cols, Func<double[], double[]> f)
    {
        var y = new double[x.Length];
        for (int o = 0; o < x.Length; o += cols)
        {
            f(x[o..(o + cols)]).CopyTo(y, o);
        }

        return y;
    }

    public static double[] Softmax(double[] row)
    {
        double max = row.Max();
        double[] e = [.. row.Select(v => Math.Exp(v - max))];
        double s = e.Sum();
        return [.. e.Select(v => v / s)];
    }

    public static double[] LogSoftmax(double[] row)
    {
        double max = row.Max();
        double lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
        return [.. row.Select(v => v - lse)];
    }

    public static double[] RmsNorm(double[] x, double[] w, double eps) => Rows(x, w.Length, r =>
    {
        double inv = 1 / Math.Sqrt((r.Sum(v => v * v) / r.Length) + eps);
        return [.. r.Select((v, i) => v * inv * w[i])];
    });

    public static double[] LayerNorm(double[] x, double[] w, double[]? b, double eps) => Rows(x, w.Length, r =>
    {
        double mean = r.Average();
        double var = r.Sum(v => (v - mean) * (v - mean)) / r.Length;
        double inv = 1 / Math.Sqrt(var + eps);
        return [.. r.Select((v, i) => ((v - mean) * inv * w[i]) + (b?[i] ?? 0))];
    });

    public static double[] Rope(double[] x, int batch, int seq, int heads, int headDim, double theta, RopeLayout layout, int offset)
    {
        double[] y = (double[])x.Clone();
        int half = headDim / 2;
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < seq; t++)
            {
                for (int h = 0; h < heads; h++)
                {
                    int o = (((b * seq) + t) * heads + h) * headDim;
                    for (int i = 0; i < half; i++)
                    {
                        double angle = (offset + t) * Math.Pow(theta, -2.0 * i / headDim);
                        int i0 = o + (layout == RopeLayout.NeoX ? i : 2 * i);
                        int i1 = o + (layout == RopeLayout.NeoX ? i + half : (2 * i) + 1);
                        double a0 = x[i0], a1 = x[i1];
                        y[i0] = (a0 * Math.Cos(angle)) - (a1 * Math.Sin(angle));
                        y[i1] = (a0 * Math.Sin(angle)) + (a1 * Math.Cos(angle));
                    }
                }
            }
        }

        return y;
    }

    public static double[] Attention(double[] q, double[] k, double[] v, int batch, int seq, int heads, int kvHeads, int d, bool causal)
    {
        var o = new double[q.Length];
        double scale = 1 / Math.Sqrt(d);
        int group = heads / kvHeads;
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                int kvh = h / group;
                for (int i = 0; i < seq; i++)
                {
                    int valid = causal ? i + 1 : seq;
                    var s = new double[valid];
                    for (int j = 0; j < valid; j++)
                    {
                        double dot = 0;
                        for (int c = 0; c < d; c++)
                        {
                            dot += q[(((b * seq) + i) * heads + h) * d + c] * k[(((b * seq) + j) * kvHeads + kvh) * d + c];
                        }

                        s[j] = dot * scale;
                    }

                    double[] p = Softmax(s);
                    for (int c = 0; c < d; c++)
                    {
                        double acc = 0;
                        for (int j = 0; j < valid; j++)
                        {
                            acc += p[j] * v[(((b * seq) + j) * kvHeads + kvh) * d + c];
                        }

                        o[(((b * seq) + i) * heads + h) * d + c] = acc;
                    }
                }
            }
        }

        return o;
    }
}
