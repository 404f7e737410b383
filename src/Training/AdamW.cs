using System.Numerics.Tensors;

namespace BestOfN.Training;

/// <summary>AdamW (Loshchilov &amp; Hutter 2019): Adam moments with bias correction, decoupled weight decay on matrices only.</summary>
public sealed class AdamW(LlamaParameters parameters, float beta1 = 0.9f, float beta2 = 0.98f, float epsilon = 1e-8f, float weightDecay = 0.01f)
{
    private readonly float[] _m = new float[parameters.Count];
    private readonly float[] _v = new float[parameters.Count];
    private int _step;

    public void Step(float[] grad, float learningRate)
    {
        _step++;
        var c1 = 1 - MathF.Pow(beta1, _step);
        var c2 = 1 - MathF.Pow(beta2, _step);
        var w = parameters.Data;
        foreach (var t in parameters.Tensors)
        {
            var decay = t.IsNorm ? 0f : weightDecay;
            for (var i = t.Offset; i < t.Offset + t.Length; i++)
            {
                var g = grad[i];
                _m[i] = beta1 * _m[i] + (1 - beta1) * g;
                _v[i] = beta2 * _v[i] + (1 - beta2) * g * g;
                w[i] -= learningRate * (_m[i] / c1 / (MathF.Sqrt(_v[i] / c2) + epsilon) + decay * w[i]);
            }
        }
    }

    /// <summary>Scales the gradient to at most <paramref name="maxNorm"/> (global L2 norm); returns the norm before.</summary>
    public static float ClipNorm(float[] grad, float maxNorm)
    {
        var norm = TensorPrimitives.Norm(grad);
        if (norm > maxNorm) TensorPrimitives.Multiply(grad, maxNorm / norm, grad);
        return norm;
    }
}
