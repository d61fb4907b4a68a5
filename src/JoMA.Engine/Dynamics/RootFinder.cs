namespace JoMA.Engine.Dynamics;

/// <summary>Brent's method (Brent 1973, "zero"): bracketing root finder used to locate events on the dense output.</summary>
public static class RootFinder
{
    public static double Brent(Func<double, double> f, double a, double b, double fa, double fb, double tolerance, int maxIterations = 100)
    {
        if (fa == 0) return a;
        if (fb == 0) return b;
        if (Math.Sign(fa) == Math.Sign(fb)) throw new ArgumentException("The root is not bracketed.");
        double c = a, fc = fa, d = b - a, e = d;
        for (int i = 0; i < maxIterations; i++)
        {
            if (Math.Sign(fb) == Math.Sign(fc)) { c = a; fc = fa; d = e = b - a; }
            if (Math.Abs(fc) < Math.Abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
            double tol = 2 * double.Epsilon + 2 * 1e-16 * Math.Abs(b) + 0.5 * tolerance;
            double m = 0.5 * (c - b);
            if (Math.Abs(m) <= tol || fb == 0) return b;
            if (Math.Abs(e) >= tol && Math.Abs(fa) > Math.Abs(fb))
            {
                double s = fb / fa, p, q;
                if (a == c) { p = 2 * m * s; q = 1 - s; }
                else
                {
                    double qa = fa / fc, r = fb / fc;
                    p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1));
                    q = (qa - 1) * (r - 1) * (s - 1);
                }
                if (p > 0) q = -q; else p = -p;
                if (2 * p < Math.Min(3 * m * q - Math.Abs(tol * q), Math.Abs(e * q))) { e = d; d = p / q; }
                else { d = m; e = m; }
            }
            else { d = m; e = m; }
            a = b; fa = fb;
            b += Math.Abs(d) > tol ? d : (m > 0 ? tol : -tol);
            fb = f(b);
        }
        return b;
    }
}
