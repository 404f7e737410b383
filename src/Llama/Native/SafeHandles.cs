using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

/// <summary>A handle that frees exactly one native llama.cpp object.</summary>
internal abstract class SafeLlamaHandleBase : SafeHandle
{
    protected SafeLlamaHandleBase() : base(nint.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == nint.Zero;
}

internal sealed class SafeLlamaModelHandle : SafeLlamaHandleBase
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.llama_model_free(handle);
        return true;
    }
}

/// <summary>
/// A context holds a reference on its model (DangerousAddRef on create, DangerousRelease on release),
/// so the model can never be freed under a live context, whatever the disposal order.
/// </summary>
internal sealed class SafeLlamaContextHandle : SafeLlamaHandleBase
{
    private SafeLlamaModelHandle? _model;

    public static SafeLlamaContextHandle Create(SafeLlamaModelHandle model, LlamaContextParams parameters)
    {
        var added = false;
        model.DangerousAddRef(ref added);
        var ctx = NativeMethods.llama_init_from_model(model, parameters);
        if (ctx.IsInvalid)
        {
            ctx.Dispose();
            model.DangerousRelease();
            throw new LlamaException("llama_init_from_model failed: the context could not be created (too large a context for memory, or an unsupported setting).");
        }
        ctx._model = model;
        return ctx;
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.llama_free(handle);
        _model?.DangerousRelease();
        _model = null;
        return true;
    }
}

internal sealed class SafeLlamaSamplerHandle : SafeLlamaHandleBase
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.llama_sampler_free(handle);
        return true;
    }
}
