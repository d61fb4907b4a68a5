namespace JoMA.Engine.Joint;

/// <summary>How the class-conditional token distribution X of the joint toy is drawn (draw_figure_2_3.py).</summary>
public enum JointVariant
{
    /// <summary>X = rand/2, columns normalised.</summary>
    Random,
    /// <summary>Rows of the distinct tokens l &lt; M_distinct are exp(−(l − M_distinct·y/K)²/30); columns normalised.</summary>
    Gaussian,
}
