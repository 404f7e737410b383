using ScottPlot;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>Accuracy against N on a log2 axis, one line per method with its bootstrap band, as a PNG (ScottPlot).</summary>
public static class CurvePlots
{
    public const int Width = 760;
    public const int Height = 420;

    public static byte[] Png(Experiment experiment, string dataset, GeneratorColumn column)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        int[] ks = [];
        foreach (var (_, label, curve) in ReportText.Series(experiment, column))
        {
            var color = palette.GetColor(index++);
            ks = curve.Points.Select(p => p.K).ToArray();
            // log2 of k on a linear axis, labelled with k: ScottPlot's way to draw a log axis.
            var xs = ks.Select(k => Math.Log2(k)).ToArray();
            if (curve.Points.All(p => p.CiLow is not null && p.CiHigh is not null) && xs.Length > 1)
            {
                var band = plot.Add.FillY(xs, curve.Points.Select(p => 100 * p.CiLow!.Value).ToArray(), curve.Points.Select(p => 100 * p.CiHigh!.Value).ToArray());
                band.FillColor = color.WithAlpha(0.12);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(xs, curve.Points.Select(p => 100 * p.Value).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = label;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ks.Select(k => Math.Log2(k)).ToArray(), ks.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Bottom.Label.Text = "N (samples per problem, log2 axis)";
        plot.Axes.Left.Label.Text = "accuracy (%)";
        plot.Axes.SetLimitsY(-2, 102);
        plot.Title($"{dataset}: {column.Generator.Name}");
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
